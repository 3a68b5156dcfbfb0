package apprunner_guard.rules.network.http_health_check_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.rules.network.http_health_check as rule

with_hc(hc) := t.model([t.service("api", {"health_check_configuration": hc})], {})

expected(attribute, message) := {
	"resource": "aws_apprunner_service.api",
	"attribute": attribute,
	"message": message,
	"related": ["aws_apprunner_service.api"],
}

test_fail_no_health_check if {
	r := rule.findings with input as t.model([t.service("api", {})], {})
	r == {expected("health_check_configuration", "aws_apprunner_service.api has no health_check_configuration: the default TCP check only proves a port is open")}
}

test_fail_tcp if {
	r := rule.findings with input as with_hc([{"protocol": "TCP", "path": "/"}])
	r == {expected("health_check_configuration.0.protocol", "aws_apprunner_service.api checks health over TCP, not HTTP: it only proves a port is open")}
}

test_fail_protocol_defaults_to_tcp if {
	r := rule.findings with input as with_hc([{"interval": 5}])
	r == {expected("health_check_configuration.0.protocol", "aws_apprunner_service.api checks health over TCP, not HTTP: it only proves a port is open")}
}

test_fail_http_without_path if {
	r := rule.findings with input as with_hc([{"protocol": "HTTP"}])
	r == {expected("health_check_configuration.0.path", "aws_apprunner_service.api checks health over HTTP without an explicit path")}
}

test_pass_http_with_path if {
	r := rule.findings with input as with_hc([{"protocol": "HTTP", "path": "/healthz"}])
	r == set()
}

test_pass_unknown_values_left_to_meta if {
	svc := t.with_unknown(t.service("api", {"health_check_configuration": [{"protocol": "HTTP"}]}), ["health_check_configuration.0.path"])
	svc2 := t.with_unknown(t.service("web", {}), ["health_check_configuration.0.protocol"])
	r := rule.findings with input as t.model([svc, svc2], {})
	r == set()
}

# Applicability: every service.
test_applicable_every_service if {
	a := rule.applicable with input as t.model([t.service("api", {}), t.service("web", {})], {})
	a == {"aws_apprunner_service.api", "aws_apprunner_service.web"}
}
