package apprunner_guard.rules.operations.vpc_connector_tags_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.rules.operations.vpc_connector_tags as rule

connector(name, tags, tags_all) := t.resource("aws_apprunner_vpc_connector", name, {
	"vpc_connector_name": name,
	"tags": tags,
	"tags_all": tags_all,
})

missing(c, tag) := {
	"resource": c,
	"attribute": "tags",
	"message": concat("", [c, " lacks the required tag \"", tag, "\""]),
	"related": [c],
}

test_fail_missing_required_key if {
	m := t.model([connector("main", {"Environment": "prod"}, {"Environment": "prod"})], {})
	r := rule.findings with input as m with data.apprunner_guard.params.vpc_connector_required_tags as ["Environment", "Owner"]
	r == {missing("aws_apprunner_vpc_connector.main", "Owner")}
}

test_pass_required_key_from_default_tags if {
	# tags_all: the provider's default_tags merged in by Terraform.
	m := t.model([connector("main", {"Environment": "prod"}, {"Environment": "prod", "Owner": "net"})], {})
	r := rule.findings with input as m with data.apprunner_guard.params.vpc_connector_required_tags as ["Environment", "Owner"]
	r == set()
}

test_fail_untagged_when_any_tag_required if {
	m := t.model([connector("main", null, {"aws:cloudformation:stack-name": "x"})], {})
	r := rule.findings with input as m with data.apprunner_guard.params.vpc_connector_required_tags as []
	r == {{
		"resource": "aws_apprunner_vpc_connector.main",
		"attribute": "tags",
		"message": "aws_apprunner_vpc_connector.main has no tags",
		"related": ["aws_apprunner_vpc_connector.main"],
	}}
}

test_pass_any_tag_with_unknown_value if {
	c := t.with_unknown(connector("main", {}, {}), ["tags.Owner"])
	r := rule.findings with input as t.model([c], {}) with data.apprunner_guard.params.vpc_connector_required_tags as []
	r == set()
}

test_pass_unknown_tags_are_meta if {
	c := t.with_unknown(connector("main", {}, null), ["tags_all"])
	r := rule.findings with input as t.model([c], {}) with data.apprunner_guard.params.vpc_connector_required_tags as ["Owner"]
	r == set()
}

test_pass_off_by_default if {
	m := t.model([connector("main", null, {})], {})
	r := rule.findings with input as m with data.apprunner_guard.params.vpc_connector_required_tags as null
	r == set()
	a := rule.applicable with input as m with data.apprunner_guard.params.vpc_connector_required_tags as null
	a == set()
}

test_applicable_every_connector_when_set if {
	m := t.model([connector("main", null, {}), t.service("api", {})], {})
	a := rule.applicable with input as m with data.apprunner_guard.params.vpc_connector_required_tags as ["Owner"]
	a == {"aws_apprunner_vpc_connector.main"}
}
