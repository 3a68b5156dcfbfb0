# METADATA
# title: Pinned image
# description: >-
#   image_repository.image_identifier has a digest (@sha256:...) or an explicit tag other than latest.
#   A digest written after a repository URL that is unknown until apply ("${repo.url}@sha256:...") is visible
#   in cdktf and tf.json inputs and counts as pinned.
# scope: package
# custom:
#   id: AR-OPS-002
#   severity: medium
#   mappings:
#     - {framework: nist-800-53, control: "CM-2"}
#     - {framework: nist-800-53, control: "SI-7"}
#     - {framework: soc2, control: "CC8.1"}
#   remediation: >-
#     Deploy an immutable reference: image_identifier = "<repo>@sha256:<digest>" or a release tag
#     (with ECR tag immutability), never "latest" or an untagged repository.
#   applies_to: ["aws_apprunner_service"]
package apprunner_guard.rules.operations.pinned_image

import data.apprunner_guard.lib

image_path := "source_configuration.0.image_repository.0.image_identifier"

findings contains lib.finding(
	s,
	image_path,
	concat("", [s, " deploys the unpinned image ", lib.q(image), ": use a digest or a tag other than latest"]),
	[s],
) if {
	some s in lib.services
	image := input.resources[s].values.source_configuration[0].image_repository[0].image_identifier
	not pinned(image)
}

pinned(image) if contains(image, "@sha256:")

pinned(image) if {
	segments := split(image, "/")
	last := segments[count(segments) - 1]
	parts := split(last, ":")
	count(parts) == 2
	not parts[1] in {"", "latest"}
}

# Applies to services deployed from an image (a code repository service has no image to pin).
applicable contains s if {
	some s in lib.services
	input.resources[s].values.source_configuration[0].image_repository[0]
}
