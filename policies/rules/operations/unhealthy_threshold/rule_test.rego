package apprunner_guard.rules.operations.unhealthy_threshold_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.rules.operations.unhealthy_threshold as rule

path := "health_check_configuration.0.unhealthy_threshold"

hc(name, n) := t.service(name, {"health_check_configuration": [{"protocol": "HTTP", "path": "/healthz", "unhealthy_threshold": n}]})

expected(s, n) := {
	"resource": s,
	"attribute": path,
	"message": concat("", [s, " marks an instance unhealthy only after ", n, " failed checks (max_unhealthy_threshold 5)"]),
	"related": [s],
}

test_fail_above_max if {
	m := t.model([hc("api", 10), hc("web", "20")], {})
	r := rule.findings with input as m with data.apprunner_guard.params.max_unhealthy_threshold as 5
	r == {expected("aws_apprunner_service.api", "10"), expected("aws_apprunner_service.web", "20")}
}

test_pass_at_max_default_and_unreadable if {
	# 5 explicit, the default (no block), and a value the normalizer kept as text: the default 5.
	m := t.model([hc("api", 5), t.service("web", {}), hc("odd", "five")], {})
	r := rule.findings with input as m with data.apprunner_guard.params.max_unhealthy_threshold as 5
	r == set()
}

test_pass_unknown_is_meta if {
	svc := t.with_unknown(hc("api", null), [path])
	r := rule.findings with input as t.model([svc], {}) with data.apprunner_guard.params.max_unhealthy_threshold as 5
	r == set()
}

test_applicable_every_service_unless_switched_off if {
	m := t.model([t.service("api", {})], {})
	on := rule.applicable with input as m with data.apprunner_guard.params.max_unhealthy_threshold as 5
	on == {"aws_apprunner_service.api"}
	off := rule.applicable with input as m with data.apprunner_guard.params.max_unhealthy_threshold as null
	off == set()
}

test_fail_number_past_the_integer_range if {
	# A hostile 1e308 is above any limit and must not stop the evaluation (the wasm format_int fails on it).
	m := t.model([hc("api", 1e308)], {})
	r := rule.findings with input as m with data.apprunner_guard.params.max_unhealthy_threshold as 5
	[f] := [f | some f in r]
	f.resource == "aws_apprunner_service.api"
	contains(f.message, "only after 1e308 failed checks")
}
