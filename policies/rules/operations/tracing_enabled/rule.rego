# METADATA
# title: Tracing is on
# description: >-
#   observability_configuration.observability_enabled is true and points at an
#   aws_apprunner_observability_configuration whose trace_configuration vendor is AWSXRAY.
# scope: package
# custom:
#   id: AR-OPS-001
#   severity: medium
#   mappings:
#     - {framework: nist-800-53, control: "AU-12"}
#     - {framework: nist-800-53, control: "SI-4"}
#     - {framework: soc2, control: "CC7.2"}
#     - {framework: aws-config, control: "apprunner-service-observability-enabled"}
#   remediation: >-
#     Add an aws_apprunner_observability_configuration with trace_configuration { vendor = "AWSXRAY" } and set
#     observability_configuration { observability_enabled = true, observability_configuration_arn = its arn }.
#   applies_to: ["aws_apprunner_service"]
package apprunner_guard.rules.operations.tracing_enabled

import data.apprunner_guard.lib

enabled_path := "observability_configuration.0.observability_enabled"

arn_path := "observability_configuration.0.observability_configuration_arn"

config_type := "aws_apprunner_observability_configuration"

findings contains lib.finding(s, "observability_configuration", concat("", [s, " has tracing off: observability_configuration.observability_enabled is not true"]), [s]) if {
	some s in lib.services
	svc := input.resources[s]
	not svc.values.observability_configuration[0].observability_enabled == true
	not lib.is_unknown(svc, enabled_path)
}

findings contains lib.finding(
	c,
	"trace_configuration.0.vendor",
	concat("", ["observability configuration ", c, " of ", s, " does not trace with AWSXRAY"]),
	[s],
) if {
	some s in lib.services
	svc := input.resources[s]
	svc.values.observability_configuration[0].observability_enabled == true
	some c in lib.refs_of_types(svc, arn_path, {config_type})
	not input.resources[c].values.trace_configuration[0].vendor == "AWSXRAY"
	not lib.is_unknown(input.resources[c], "trace_configuration.0.vendor")
}

# Every service can be traced.
applicable := lib.all_services
