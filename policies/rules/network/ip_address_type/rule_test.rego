package apprunner_guard.rules.network.ip_address_type_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.rules.network.ip_address_type as rule

ip_path := "network_configuration.0.ip_address_type"

network(name, ip, public) := t.service(name, {"network_configuration": [{
	"ip_address_type": ip,
	"ingress_configuration": [{"is_publicly_accessible": public}],
}]})

expected(s, actual) := {
	"resource": s,
	"attribute": ip_path,
	"message": concat("", [s, " accepts \"", actual, "\" traffic; ip_address_type requires \"DUAL_STACK\""]),
	"related": [s],
}

test_fail_ipv4_default_and_explicit if {
	m := t.model([t.service("api", {}), network("web", "ipv4", true)], {})
	r := rule.findings with input as m with data.apprunner_guard.params.ip_address_type as "DUAL_STACK"
	r == {expected("aws_apprunner_service.api", "IPV4"), expected("aws_apprunner_service.web", "IPV4")}
}

test_pass_dual_stack if {
	r := rule.findings with input as t.model([network("api", "DUAL_STACK", true)], {}) with data.apprunner_guard.params.ip_address_type as "dual_stack"
	r == set()
}

test_pass_private_not_applicable if {
	m := t.model([network("api", "IPV4", false)], {})
	r := rule.findings with input as m with data.apprunner_guard.params.ip_address_type as "DUAL_STACK"
	r == set()
	a := rule.applicable with input as m with data.apprunner_guard.params.ip_address_type as "DUAL_STACK"
	a == set()
}

test_pass_unknown_is_meta if {
	svc := t.with_unknown(network("api", null, true), [ip_path])
	r := rule.findings with input as t.model([svc], {}) with data.apprunner_guard.params.ip_address_type as "DUAL_STACK"
	r == set()
}

test_pass_off_by_default if {
	m := t.model([t.service("api", {})], {})
	a := rule.applicable with input as m with data.apprunner_guard.params.ip_address_type as null
	a == set()
}
