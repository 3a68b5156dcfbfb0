# METADATA
# title: VPC connector tagged
# description: >-
#   When the parameter vpc_connector_required_tags is set, every aws_apprunner_vpc_connector carries
#   those tag keys in tags or tags_all (provider default_tags); an empty list requires at least one tag
#   that does not start with aws:. Off by default (null).
# scope: package
# custom:
#   id: AR-OPS-005
#   severity: low
#   mappings:
#     - {framework: nist-800-53, control: "CM-8"}
#     - {framework: soc2, control: "CC6.1"}
#     - {framework: aws-config, control: "apprunner-vpc-connector-tagged"}
#     - {framework: security-hub, control: "AppRunner.2"}
#   remediation: >-
#     Add the tags to the connector (tags = { Environment = "prod", Owner = "team-x" }) or to the
#     provider's default_tags.
#   applies_to: ["aws_apprunner_vpc_connector"]
package apprunner_guard.rules.operations.vpc_connector_tags

import data.apprunner_guard.lib

connector_type := "aws_apprunner_vpc_connector"

applicable contains c if {
	lib.rule_enabled("AR-OPS-005")
	some c in lib.of_type(connector_type)
}

# Tags unknown until apply are AR-META-001's (cannot verify), never a pass.
findings contains lib.finding(c, "tags", concat("", [c, " lacks the required tag ", lib.q(tag)]), [c]) if {
	some c in applicable
	res := input.resources[c]
	not lib.tags_unknown(res)
	some tag in lib.missing_tags(res, lib.param("vpc_connector_required_tags"))
}

findings contains lib.finding(c, "tags", concat("", [c, " has no tags"]), [c]) if {
	count(lib.param("vpc_connector_required_tags")) == 0
	some c in applicable
	res := input.resources[c]
	not lib.tags_unknown(res)
	count(lib.user_tag_keys(res)) == 0
}
