import { Construct } from "constructs";
import { ApprunnerAutoScalingConfigurationVersion } from "@cdktf/provider-aws/lib/apprunner-auto-scaling-configuration-version/index.js";
import { isToken, physicalName, validateIntRange, validateName, ConstructError, scoped } from "./private/validate.js";

export interface AutoScalingProps {
  /** @default - derived from the construct path (4–32 characters) */
  readonly autoScalingConfigurationName?: string;
  /** Instances kept warm. @default 1 */
  readonly minSize?: number;
  /** Upper bound on instances. @default 25 */
  readonly maxSize?: number;
  /** Concurrent requests per instance before scaling out. @default 100 */
  readonly maxConcurrency?: number;
  /** @default - no tags */
  readonly tags?: Record<string, string>;
}

/** An `aws_apprunner_auto_scaling_configuration_version`, shareable between services. */
export class AutoScaling extends Construct {
  readonly resource: ApprunnerAutoScalingConfigurationVersion;
  readonly autoScalingConfigurationArn: string;

  constructor(scope: Construct, id: string, props: AutoScalingProps = {}) {
    super(scope, id);
    try {
      validateName("autoScalingConfigurationName", props.autoScalingConfigurationName, 4, 32);
      validateIntRange("autoScaling.minSize", props.minSize, 1, 25);
      validateIntRange("autoScaling.maxSize", props.maxSize, 1, 25);
      validateIntRange("autoScaling.maxConcurrency", props.maxConcurrency, 1, 200);
      const min = props.minSize ?? 1;
      const max = props.maxSize ?? 25;
      if (!isToken(min) && !isToken(max) && min > max) {
        throw new ConstructError(`autoScaling.minSize ${min} is greater than maxSize ${max}; allowed: minSize <= maxSize`);
      }
      this.resource = new ApprunnerAutoScalingConfigurationVersion(this, "Resource", {
        autoScalingConfigurationName: props.autoScalingConfigurationName ?? physicalName(this, 32),
        minSize: min,
        maxSize: max,
        maxConcurrency: props.maxConcurrency ?? 100,
        tags: props.tags,
      });
      this.autoScalingConfigurationArn = this.resource.arn;
    } catch (error) {
      throw scoped(this, error);
    }
  }
}
