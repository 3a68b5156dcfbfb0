# METADATA
# title: Service is not publicly accessible
# description: >-
#   When the parameter require_private_ingress is true, every service is private
#   (network_configuration.ingress_configuration.is_publicly_accessible = false), reachable only
#   through a VPC interface endpoint. Off by default: public services are legitimate and AR-NET-001
#   requires a WAF on them.
# scope: package
# custom:
#   id: AR-NET-006
#   severity: high
#   mappings:
#     - {framework: nist-800-53, control: "SC-7"}
#     - {framework: nist-800-53, control: "AC-4"}
#     - {framework: pci-dss, control: "1.3.1"}
#     - {framework: soc2, control: "CC6.6"}
#     - {framework: aws-config, control: "apprunner-service-no-public-access"}
#   remediation: >-
#     Set network_configuration { ingress_configuration { is_publicly_accessible = false } } and add an
#     aws_apprunner_vpc_ingress_connection through an interface VPC endpoint for apprunner.requests.
#   applies_to: ["aws_apprunner_service"]
package apprunner_guard.rules.network.no_public_access

import data.apprunner_guard.lib

applicable contains s if {
	lib.rule_enabled("AR-NET-006")
	some s in lib.services
}

findings contains lib.finding(s, lib.public_path, concat("", [s, " is publicly accessible (require_private_ingress)"]), [s]) if {
	some s in applicable
	lib.is_public(input.resources[s])
}
