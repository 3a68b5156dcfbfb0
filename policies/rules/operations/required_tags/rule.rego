# METADATA
# title: Required tags present
# description: >-
#   The service carries every tag in the parameter required_tags (default Environment, Owner),
#   directly or through the provider's default_tags (tags_all).
# scope: package
# custom:
#   id: AR-OPS-003
#   severity: low
#   mappings:
#     - {framework: nist-800-53, control: "CM-8"}
#     - {framework: pci-dss, control: "12.5.1"}
#     - {framework: soc2, control: "CC6.1"}
#     - {framework: aws-config, control: "apprunner-service-tagged"}
#     - {framework: security-hub, control: "AppRunner.1"}
#   remediation: >-
#     Add the tags to the service (tags = { Environment = "prod", Owner = "team-x" }) or to the
#     provider's default_tags.
#   applies_to: ["aws_apprunner_service"]
package apprunner_guard.rules.operations.required_tags

import data.apprunner_guard.lib

findings contains lib.finding(s, "tags", concat("", [s, " lacks the required tag ", lib.q(tag)]), [s]) if {
	some s in lib.services
	svc := input.resources[s]
	tags := lib.tags(svc)
	some tag in lib.param("required_tags")
	not tags[tag]
	not lib.is_unknown(svc, concat(".", ["tags", tag]))
	not lib.is_unknown(svc, concat(".", ["tags_all", tag]))
}

# Applies to every service while required_tags lists a tag.
default applicable := set()

applicable := lib.all_services if count(lib.param("required_tags")) > 0
