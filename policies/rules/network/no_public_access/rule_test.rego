package apprunner_guard.rules.network.no_public_access_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.rules.network.no_public_access as rule

ingress(name, public) := t.service(name, {"network_configuration": [{"ingress_configuration": [{"is_publicly_accessible": public}]}]})

test_fail_public_when_private_required if {
	m := t.model([t.service("api", {}), ingress("web", true), ingress("internal", false)], {})
	r := rule.findings with input as m with data.apprunner_guard.params.require_private_ingress as true
	r == {
		{
			"resource": "aws_apprunner_service.api",
			"attribute": "network_configuration.0.ingress_configuration.0.is_publicly_accessible",
			"message": "aws_apprunner_service.api is publicly accessible (require_private_ingress)",
			"related": ["aws_apprunner_service.api"],
		},
		{
			"resource": "aws_apprunner_service.web",
			"attribute": "network_configuration.0.ingress_configuration.0.is_publicly_accessible",
			"message": "aws_apprunner_service.web is publicly accessible (require_private_ingress)",
			"related": ["aws_apprunner_service.web"],
		},
	}
}

test_pass_private if {
	r := rule.findings with input as t.model([ingress("api", false)], {}) with data.apprunner_guard.params.require_private_ingress as true
	r == set()
}

test_pass_off_by_default if {
	m := t.model([t.service("api", {})], {})
	r := rule.findings with input as m with data.apprunner_guard.params.require_private_ingress as false
	r == set()
}

test_applicable_when_required if {
	a := rule.applicable with input as t.model([ingress("api", false)], {}) with data.apprunner_guard.params.require_private_ingress as true
	a == {"aws_apprunner_service.api"}
}
