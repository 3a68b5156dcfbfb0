# METADATA
# title: Public service has a WAF web ACL
# description: >-
#   A public service (ingress is_publicly_accessible absent or true) has an
#   aws_wafv2_web_acl_association whose resource_arn is the service's ARN, matched by
#   reference when the ARN is unknown at plan time (in cdktf, also from another stack checked with
#   it, through the cross-stack output of the service's ARN).
# scope: package
# custom:
#   id: AR-NET-001
#   severity: high
#   mappings:
#     - {framework: nist-800-53, control: "SC-7"}
#     - {framework: pci-dss, control: "6.4.2"}
#     - {framework: soc2, control: "CC6.6"}
#   remediation: >-
#     Add an aws_wafv2_web_acl (REGIONAL scope, AWS managed rule groups) and an
#     aws_wafv2_web_acl_association with resource_arn = the service's arn (a direct reference,
#     not a conditional, coalesce or local that could name another service), or make the
#     service private.
#   applies_to: ["aws_apprunner_service"]
package apprunner_guard.rules.network.waf_on_public_service

import data.apprunner_guard.lib

association_type := "aws_wafv2_web_acl_association"

# Known resource_arn values of every association (one pass over the associations).
associated_arns contains v if {
	some a in lib.of_type(association_type)
	v := input.resources[a].values.resource_arn
}

findings contains lib.finding(
	s,
	"",
	concat("", ["public service ", s, " has no ", association_type, ": no web ACL filters its traffic"]),
	[s],
) if {
	some s in lib.services
	svc := input.resources[s]
	lib.is_public(svc)
	not protected(s, svc)
	not protection_unseen(svc)
}

# cdktf: the service's ARN goes to another stack that is not in the input, where an association may
# protect it; AR-META-001 reports that as cannot-verify instead of a finding that may be false.
protection_unseen(svc) if svc.unseen_consumers[association_type]

protected(s, _) if {
	some a in lib.referenced_by(s)
	lib.type_of(a) == association_type
	s in lib.refs_at(input.resources[a], "resource_arn")
}

protected(_, svc) if svc.values.arn in associated_arns

# Applies to public services only: a private service is not-applicable, not a pass.
applicable := lib.public_services
