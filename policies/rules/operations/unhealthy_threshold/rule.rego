# METADATA
# title: Health check unhealthy threshold at most a maximum
# description: >-
#   health_check_configuration.unhealthy_threshold (App Runner's default 5) is at most the parameter
#   max_unhealthy_threshold (default 5): a higher threshold keeps a failing instance in service for
#   longer (up to 20 checks of up to 20 s each). Set the parameter to null to switch the rule off.
# scope: package
# custom:
#   id: AR-OPS-004
#   severity: low
#   mappings:
#     - {framework: nist-800-53, control: "SI-4"}
#     - {framework: soc2, control: "CC7.2"}
#     - {framework: aws-config, control: "apprunner-service-max-unhealthy-threshold"}
#   remediation: >-
#     Set health_check_configuration { unhealthy_threshold = 3 } (at most max_unhealthy_threshold), or
#     raise the parameter where a slow-starting service needs it.
#   applies_to: ["aws_apprunner_service"]
package apprunner_guard.rules.operations.unhealthy_threshold

import data.apprunner_guard.lib

threshold_path := "health_check_configuration.0.unhealthy_threshold"

threshold(svc) := t if {
	t := svc.values.health_check_configuration[0].unhealthy_threshold
	is_number(t)
} else := to_number(t) if {
	t := svc.values.health_check_configuration[0].unhealthy_threshold
	is_string(t)
	regex.match(`^[0-9]+$`, t)
} else := 5

# The wasm format_int fails on numbers past the integer range (a hostile 1e308): those are written as JSON.
as_text(n) := format_int(n, 10) if {
	n == floor(n)
	abs(n) < 1000000000000000
} else := json.marshal(n)

applicable contains s if {
	is_number(lib.param("max_unhealthy_threshold"))
	some s in lib.services
}

findings contains lib.finding(s, threshold_path, concat("", [s, " marks an instance unhealthy only after ", as_text(n), " failed checks (max_unhealthy_threshold ", as_text(limit), ")"]), [s]) if {
	limit := lib.param("max_unhealthy_threshold")
	some s in applicable
	svc := input.resources[s]
	not lib.is_unknown(svc, threshold_path)
	n := threshold(svc)
	n > limit
}
