import { Construct } from "constructs";
import { ApprunnerVpcConnector } from "@cdktf/provider-aws/lib/apprunner-vpc-connector/index.js";
import { isToken, physicalName, validateName, ConstructError, scoped } from "./private/validate.js";

export interface VpcConnectorProps {
  /** Subnets the service's outbound traffic leaves from (e.g. the database subnets). */
  readonly subnets: string[];
  /** Security groups applied to that traffic; keep their egress narrow. */
  readonly securityGroups: string[];
  /** @default - derived from the construct path (4–40 characters) */
  readonly vpcConnectorName?: string;
  /** @default - no tags */
  readonly tags?: Record<string, string>;
}

/** An `aws_apprunner_vpc_connector`; a service using it gets egress type `VPC`. */
export class VpcConnector extends Construct {
  readonly resource: ApprunnerVpcConnector;
  readonly vpcConnectorArn: string;

  constructor(scope: Construct, id: string, props: VpcConnectorProps) {
    super(scope, id);
    try {
      validateName("vpcConnectorName", props.vpcConnectorName, 4, 40);
      if (!isToken(props.subnets) && props.subnets.length === 0) {
        throw new ConstructError("vpcConnector.subnets [] is empty; allowed: one or more subnet ids");
      }
      if (!isToken(props.securityGroups) && props.securityGroups.length === 0) {
        throw new ConstructError("vpcConnector.securityGroups [] is empty; allowed: one or more security group ids");
      }
      this.resource = new ApprunnerVpcConnector(this, "Resource", {
        vpcConnectorName: props.vpcConnectorName ?? physicalName(this, 40),
        subnets: props.subnets,
        securityGroups: props.securityGroups,
        tags: props.tags,
      });
      this.vpcConnectorArn = this.resource.arn;
    } catch (error) {
      throw scoped(this, error);
    }
  }
}
