# METADATA
# title: Private intent is honoured
# description: >-
#   A service with is_publicly_accessible = false has an aws_apprunner_vpc_ingress_connection
#   (otherwise nothing can reach it), and a service tagged internal (parameter internal_tag,
#   default Exposure=internal) is not publicly accessible.
# scope: package
# custom:
#   id: AR-NET-004
#   severity: high
#   mappings:
#     - {framework: nist-800-53, control: "SC-7"}
#     - {framework: nist-800-53, control: "AC-4"}
#     - {framework: soc2, control: "CC6.6"}
#   remediation: >-
#     Set network_configuration { ingress_configuration { is_publicly_accessible = false } } and add an
#     aws_apprunner_vpc_ingress_connection (with an interface VPC endpoint for apprunner.requests).
#   applies_to: ["aws_apprunner_service"]
package apprunner_guard.rules.network.private_intent

import data.apprunner_guard.lib

connection_type := "aws_apprunner_vpc_ingress_connection"

connected_arns contains v if {
	some c in lib.of_type(connection_type)
	v := input.resources[c].values.service_arn
}

findings contains lib.finding(
	s,
	lib.public_path,
	concat("", ["private service ", s, " has no ", connection_type, ": nothing can reach it"]),
	[s],
) if {
	some s in lib.services
	svc := input.resources[s]
	lib.is_private(svc)
	not connected(s, svc)
	not connection_unseen(svc)
}

findings contains lib.finding(
	s,
	lib.public_path,
	concat("", [s, " is tagged ", lib.param("internal_tag"), " but is publicly accessible"]),
	[s],
) if {
	some s in lib.services
	svc := input.resources[s]
	lib.tags(svc)[internal_tag[0]] == concat("=", array.slice(internal_tag, 1, count(internal_tag)))
	lib.is_public(svc)
}

# cdktf: the service's ARN goes to another stack that is not in the input, where an ingress connection
# may reach it; AR-META-001 reports that as cannot-verify instead of a finding that may be false.
connection_unseen(svc) if svc.unseen_consumers[connection_type]

connected(s, _) if {
	some c in lib.referenced_by(s)
	lib.type_of(c) == connection_type
	s in lib.refs_at(input.resources[c], "service_arn")
}

connected(_, svc) if svc.values.arn in connected_arns

internal_tag := split(lib.param("internal_tag"), "=")

# Applies to services that are private or tagged internal.
applicable contains s if {
	some s in lib.services
	lib.is_private(input.resources[s])
}

applicable contains s if {
	some s in lib.services
	lib.tags(input.resources[s])[internal_tag[0]] == concat("=", array.slice(internal_tag, 1, count(internal_tag)))
}
