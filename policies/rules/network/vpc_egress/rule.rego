# METADATA
# title: Egress through a VPC connector
# description: >-
#   When the parameter require_vpc_egress is true, every service sends its outbound traffic through
#   a VPC connector (network_configuration.egress_configuration.egress_type VPC), so egress passes the
#   VPC's security groups, NAT and flow logs. Off by default.
# scope: package
# custom:
#   id: AR-NET-005
#   severity: medium
#   mappings:
#     - {framework: nist-800-53, control: "SC-7"}
#     - {framework: nist-800-53, control: "SC-7(5)"}
#     - {framework: pci-dss, control: "1.4.1"}
#     - {framework: soc2, control: "CC6.6"}
#     - {framework: aws-config, control: "apprunner-service-in-vpc"}
#   remediation: >-
#     Add an aws_apprunner_vpc_connector and set network_configuration { egress_configuration {
#     egress_type = "VPC", vpc_connector_arn = aws_apprunner_vpc_connector.this.arn } }.
#   applies_to: ["aws_apprunner_service"]
package apprunner_guard.rules.network.vpc_egress

import data.apprunner_guard.lib

egress_path := "network_configuration.0.egress_configuration.0.egress_type"

# App Runner's default egress is DEFAULT (the public internet from AWS's network).
egress_type(svc) := e if {
	e := svc.values.network_configuration[0].egress_configuration[0].egress_type
	is_string(e)
} else := "DEFAULT"

applicable contains s if {
	lib.rule_enabled("AR-NET-005")
	some s in lib.services
}

findings contains lib.finding(s, egress_path, concat("", [s, " sends egress as ", lib.q(egress), ", not through a VPC connector (require_vpc_egress)"]), [s]) if {
	some s in applicable
	svc := input.resources[s]
	not lib.is_unknown(svc, egress_path)
	egress := egress_type(svc)
	upper(egress) != "VPC"
}
