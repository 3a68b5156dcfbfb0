package apprunner_guard.rules.network.vpc_egress_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.rules.network.vpc_egress as rule

path := "network_configuration.0.egress_configuration.0.egress_type"

egress(name, type) := t.service(name, {"network_configuration": [{"egress_configuration": [{"egress_type": type, "vpc_connector_arn": null}]}]})

expected(s, type) := {
	"resource": s,
	"attribute": path,
	"message": concat("", [s, " sends egress as \"", type, "\", not through a VPC connector (require_vpc_egress)"]),
	"related": [s],
}

test_fail_default_egress_when_required if {
	m := t.model([t.service("api", {}), egress("web", "DEFAULT")], {})
	r := rule.findings with input as m with data.apprunner_guard.params.require_vpc_egress as true
	r == {expected("aws_apprunner_service.api", "DEFAULT"), expected("aws_apprunner_service.web", "DEFAULT")}
}

test_pass_vpc_egress if {
	r := rule.findings with input as t.model([egress("api", "VPC")], {}) with data.apprunner_guard.params.require_vpc_egress as true
	r == set()
}

test_pass_unknown_egress_is_meta if {
	svc := t.with_unknown(egress("api", null), [path])
	r := rule.findings with input as t.model([svc], {}) with data.apprunner_guard.params.require_vpc_egress as true
	r == set()
}

test_pass_off_by_default if {
	m := t.model([t.service("api", {})], {})
	r := rule.findings with input as m with data.apprunner_guard.params.require_vpc_egress as false
	r == set()
	a := rule.applicable with input as m with data.apprunner_guard.params.require_vpc_egress as false
	a == set()
}

test_applicable_every_service_when_required if {
	a := rule.applicable with input as t.model([t.service("api", {})], {}) with data.apprunner_guard.params.require_vpc_egress as true
	a == {"aws_apprunner_service.api"}
}
