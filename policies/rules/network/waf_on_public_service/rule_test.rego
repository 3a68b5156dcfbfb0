package apprunner_guard.rules.network.waf_on_public_service_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.rules.network.waf_on_public_service as rule

expected(s) := {
	"resource": s,
	"attribute": "",
	"message": concat("", ["public service ", s, " has no aws_wafv2_web_acl_association: no web ACL filters its traffic"]),
	"related": [s],
}

# Association whose resource_arn is unknown until apply and linked to service <name> by refs only.
association_by_ref(name) := t.with_refs(
	t.with_unknown(t.resource("aws_wafv2_web_acl_association", name, {"web_acl_arn": "arn:aws:wafv2:x"}), ["resource_arn"]),
	{"resource_arn": [concat("", ["aws_apprunner_service.", name])]},
)

test_fail_public_by_default if {
	r := rule.findings with input as t.model([t.service("api", {})], {})
	r == {expected("aws_apprunner_service.api")}
}

test_fail_public_explicit if {
	svc := t.service("api", {"network_configuration": [{"ingress_configuration": [{"is_publicly_accessible": true}]}]})
	r := rule.findings with input as t.model([svc], {})
	r == {expected("aws_apprunner_service.api")}
}

# ★ the association's resource_arn is unknown and linked by refs: it protects "web" only, so "api" fires.
test_fail_association_linked_to_another_service if {
	m := t.model([t.service("api", {}), t.service("web", {}), association_by_ref("web")], {})
	r := rule.findings with input as m
	r == {expected("aws_apprunner_service.api")}
}

test_pass_association_by_ref if {
	r := rule.findings with input as t.model([t.service("api", {}), association_by_ref("api")], {})
	r == set()
}

test_pass_association_by_known_arn if {
	arn := "arn:aws:apprunner:us-east-1:123456789012:service/api/abc"
	m := t.model(
		[
			t.service("api", {"arn": arn}),
			t.resource("aws_wafv2_web_acl_association", "api", {"resource_arn": arn}),
		],
		{},
	)
	r := rule.findings with input as m
	r == set()
}

test_pass_private_service if {
	svc := t.service("api", {"network_configuration": [{"ingress_configuration": [{"is_publicly_accessible": false}]}]})
	r := rule.findings with input as t.model([svc], {})
	r == set()
}

test_pass_ingress_unknown_left_to_meta if {
	svc := t.with_unknown(t.service("api", {}), ["network_configuration.0.ingress_configuration.0.is_publicly_accessible"])
	r := rule.findings with input as t.model([svc], {})
	r == set()
}

# Applicability: public services only; a private one is not-applicable (not a pass).
test_applicable_public_services_only if {
	private := t.service("internal", {"network_configuration": [{"ingress_configuration": [{"is_publicly_accessible": false}]}]})
	a := rule.applicable with input as t.model([t.service("api", {}), private], {})
	a == {"aws_apprunner_service.api"}
}

# cdktf: the ARN is exported to a stack that is not in the input; AR-META-001 says cannot-verify instead.
test_pass_protection_in_unseen_stack if {
	svc := object.union(t.service("api", {}), {"unseen_consumers": {"aws_wafv2_web_acl_association": "its ARN is exported to stack \"edge\""}})
	r := rule.findings with input as t.model([svc], {})
	r == set()
}

test_fail_unseen_consumers_of_another_type if {
	svc := object.union(t.service("api", {}), {"unseen_consumers": {"aws_apprunner_vpc_ingress_connection": "x"}})
	r := rule.findings with input as t.model([svc], {})
	r == {expected("aws_apprunner_service.api")}
}
