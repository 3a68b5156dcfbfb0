import { Construct } from "constructs";
import { ApprunnerVpcIngressConnection } from "@cdktf/provider-aws/lib/apprunner-vpc-ingress-connection/index.js";
import { physicalName, validateName, scoped } from "./private/validate.js";

export interface VpcIngressConnectionProps {
  /** The private service (`AppRunnerService` or `{ serviceArn }`). */
  readonly service: { readonly serviceArn: string };
  /** VPC the service is reachable from. */
  readonly vpcId: string;
  /** Interface endpoint for `com.amazonaws.<region>.apprunner.requests` in that VPC. */
  readonly vpcEndpointId: string;
  /** @default - derived from the construct path (4–40 characters) */
  readonly vpcIngressConnectionName?: string;
  /** @default - no tags */
  readonly tags?: Record<string, string>;
}

/** An `aws_apprunner_vpc_ingress_connection`: the only way into a service with `is_publicly_accessible = false`. */
export class VpcIngressConnection extends Construct {
  readonly resource: ApprunnerVpcIngressConnection;
  /** The private domain name the VPC reaches the service on. */
  readonly domainName: string;

  constructor(scope: Construct, id: string, props: VpcIngressConnectionProps) {
    super(scope, id);
    try {
      validateName("vpcIngressConnectionName", props.vpcIngressConnectionName, 4, 40);
      this.resource = new ApprunnerVpcIngressConnection(this, "Resource", {
        name: props.vpcIngressConnectionName ?? physicalName(this, 40),
        serviceArn: props.service.serviceArn,
        ingressVpcConfiguration: { vpcId: props.vpcId, vpcEndpointId: props.vpcEndpointId },
        tags: props.tags,
      });
      this.domainName = this.resource.domainName;
    } catch (error) {
      throw scoped(this, error);
    }
  }
}
