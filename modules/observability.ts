import { Construct } from "constructs";
import { ApprunnerObservabilityConfiguration } from "@cdktf/provider-aws/lib/apprunner-observability-configuration/index.js";
import { physicalName, validateName, scoped } from "./private/validate.js";

export type TraceVendor = "AWSXRAY";

export interface ObservabilityProps {
  /** @default - derived from the construct path (4–32 characters) */
  readonly observabilityConfigurationName?: string;
  /** @default "AWSXRAY" */
  readonly traceVendor?: TraceVendor;
  /** @default - no tags */
  readonly tags?: Record<string, string>;
}

/**
 * An `aws_apprunner_observability_configuration` with tracing. A service that
 * uses it gets the X-Ray write actions on its instance role, and only then.
 */
export class Observability extends Construct {
  readonly resource: ApprunnerObservabilityConfiguration;
  readonly observabilityConfigurationArn: string;
  readonly traceVendor: TraceVendor;

  constructor(scope: Construct, id: string, props: ObservabilityProps = {}) {
    super(scope, id);
    try {
      validateName("observabilityConfigurationName", props.observabilityConfigurationName, 4, 32);
      this.traceVendor = props.traceVendor ?? "AWSXRAY";
      this.resource = new ApprunnerObservabilityConfiguration(this, "Resource", {
        observabilityConfigurationName: props.observabilityConfigurationName ?? physicalName(this, 32),
        traceConfiguration: { vendor: this.traceVendor },
        tags: props.tags,
      });
      this.observabilityConfigurationArn = this.resource.arn;
    } catch (error) {
      throw scoped(this, error);
    }
  }
}
