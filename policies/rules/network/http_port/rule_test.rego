package apprunner_guard.rules.network.http_port_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.rules.network.http_port as rule

with_port(port) := t.model([t.image_service({"port": port})], {})

expected(port, problem) := {
	"resource": "aws_apprunner_service.api",
	"attribute": concat(".", [t.image_config_path, "port"]),
	"message": concat("", ["aws_apprunner_service.api listens on port ", json.marshal(port), ": ", problem]),
	"related": ["aws_apprunner_service.api"],
}

test_fail_forbidden_port if {
	r := rule.findings with input as with_port("5432")
	r == {expected("5432", "a well-known non-HTTP service port (forbidden_ports)")}
}

test_fail_forbidden_numeric_port_in_code_configuration if {
	svc := t.service("api", {"source_configuration": [{"code_repository": [{"code_configuration": [{"code_configuration_values": [{"port": 22}]}]}]}]})
	r := rule.findings with input as t.model([svc], {})
	r == {{
		"resource": "aws_apprunner_service.api",
		"attribute": "source_configuration.0.code_repository.0.code_configuration.0.code_configuration_values.0.port",
		"message": "aws_apprunner_service.api listens on port 22: a well-known non-HTTP service port (forbidden_ports)",
		"related": ["aws_apprunner_service.api"],
	}}
}

test_fail_out_of_range if {
	r := rule.findings with input as with_port("70000")
	r == {expected("70000", "not an integer between 1 and 65535")}
}

test_fail_huge_number if {
	r := rule.findings with input as with_port(2296524277251353)
	r == {expected(2296524277251353, "not an integer between 1 and 65535")}
}

test_fail_zero if {
	r := rule.findings with input as with_port("0")
	r == {expected("0", "not an integer between 1 and 65535")}
}

test_fail_not_a_number if {
	r := rule.findings with input as with_port("http")
	r == {expected("http", "not an integer between 1 and 65535")}
}

test_fail_fraction if {
	r := rule.findings with input as with_port(80.5)
	r == {expected(80.5, "not an integer between 1 and 65535")}
}

test_fail_not_in_allowed_ports if {
	r := rule.findings with input as with_port("8080") with data.apprunner_guard.params.allowed_ports as [3000]
	r == {expected("8080", "not in allowed_ports")}
}

test_pass_http_port if {
	r := rule.findings with input as with_port("8080")
	r == set()
}

test_pass_allowed_port if {
	r := rule.findings with input as with_port("22") with data.apprunner_guard.params.allowed_ports as [22]
	r == set()
}

test_pass_no_port if {
	r := rule.findings with input as t.model([t.service("api", {})], {})
	r == set()
}

# Applicability: every service.
test_applicable_every_service if {
	a := rule.applicable with input as t.model([t.service("api", {}), t.service("web", {})], {})
	a == {"aws_apprunner_service.api", "aws_apprunner_service.web"}
}
