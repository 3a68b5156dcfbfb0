# METADATA
# title: Encryption at rest with a customer managed KMS key
# description: >-
#   The service sets encryption_configuration.kms_key (a customer managed key) instead of
#   relying on the AWS owned key.
# scope: package
# custom:
#   id: AR-SEC-004
#   severity: medium
#   mappings:
#     - {framework: nist-800-53, control: "SC-28(1)"}
#     - {framework: nist-800-53, control: "SC-12"}
#     - {framework: pci-dss, control: "3.5.1"}
#     - {framework: soc2, control: "CC6.1"}
#   remediation: >-
#     Create an aws_kms_key with rotation enabled and set encryption_configuration { kms_key = aws_kms_key.x.arn }.
#   applies_to: ["aws_apprunner_service"]
package apprunner_guard.rules.secrets.encryption_cmk

import data.apprunner_guard.lib

kms_path := "encryption_configuration.0.kms_key"

findings contains lib.finding(
	s,
	"encryption_configuration",
	concat("", [s, " has no encryption_configuration.kms_key: data at rest uses the AWS owned key, not a customer managed key"]),
	[s],
) if {
	some s in lib.services
	svc := input.resources[s]
	not svc.values.encryption_configuration[0].kms_key
	not lib.is_unknown(svc, kms_path)
}

# Every service stores data at rest.
applicable := lib.all_services
