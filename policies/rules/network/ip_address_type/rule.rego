# METADATA
# title: Public endpoint IP address type
# description: >-
#   When the parameter ip_address_type is set (IPV4 or DUAL_STACK), every public service uses that IP
#   address type for incoming traffic (network_configuration.ip_address_type, App Runner's default
#   IPV4). Off by default.
# scope: package
# custom:
#   id: AR-NET-007
#   severity: low
#   mappings:
#     - {framework: nist-800-53, control: "CM-6"}
#     - {framework: nist-800-53, control: "SC-7"}
#     - {framework: aws-config, control: "apprunner-service-ip-address-type-check"}
#   remediation: >-
#     Set network_configuration { ip_address_type = "DUAL_STACK" } (or the value your network policy
#     requires) on the public service.
#   applies_to: ["aws_apprunner_service"]
package apprunner_guard.rules.network.ip_address_type

import data.apprunner_guard.lib

ip_path := "network_configuration.0.ip_address_type"

configured_type(svc) := t if {
	t := svc.values.network_configuration[0].ip_address_type
	is_string(t)
} else := "IPV4"

# The setting is for incoming public traffic (as in AWS Config): private services are not-applicable.
applicable contains s if {
	lib.rule_enabled("AR-NET-007")
	some s in lib.public_services
}

findings contains lib.finding(s, ip_path, concat("", [s, " accepts ", lib.q(actual), " traffic; ip_address_type requires ", lib.q(wanted)]), [s]) if {
	wanted := upper(lib.param("ip_address_type"))
	some s in applicable
	svc := input.resources[s]
	not lib.is_unknown(svc, ip_path)
	actual := upper(configured_type(svc))
	actual != wanted
}
