import { Construct } from "constructs";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association/index.js";
import { arnOf, type ArnLike } from "./secrets.js";
import { ConstructError, scoped, validateOwnership, type WaiverOwnership } from "./private/validate.js";

/**
 * How a service is shielded by AWS WAF. A public service must choose: a web
 * ACL, or a written-down opt-out that reviewers (and the policy pass) can see.
 */
export class WafProtection {
  /** Associate this regional WAFv2 web ACL (ARN or the `Wafv2WebAcl` resource). */
  static webAcl(webAcl: ArnLike): WafProtection {
    return new WafProtection(arnOf(webAcl), undefined);
  }

  /**
   * No WAF, on purpose. The service writes a waiver for rule AR-NET-001 on itself into the synthesized
   * JSON, with this justification, owner and expiry; the policy pass reports the finding as waived
   * (and as failing again after `expires`).
   */
  static disabled(justification: string, ownership: WaiverOwnership): WafProtection {
    if (justification.trim().length === 0) {
      throw new ConstructError('WafProtection.disabled justification "" is empty; allowed: a sentence saying why this public service needs no WAF');
    }
    return new WafProtection(undefined, justification, validateOwnership("WafProtection.disabled", ownership));
  }

  private constructor(
    readonly webAclArn: string | undefined,
    readonly disabledJustification: string | undefined,
    readonly disabledOwnership?: WaiverOwnership,
  ) {}
}

export interface WebAclAssociationProps {
  /** ARN of the protected resource (the App Runner service). */
  readonly resourceArn: string;
  /** ARN of the regional WAFv2 web ACL. */
  readonly webAclArn: string;
}

/** An `aws_wafv2_web_acl_association`. */
export class WebAclAssociation extends Construct {
  readonly resource: Wafv2WebAclAssociation;

  constructor(scope: Construct, id: string, props: WebAclAssociationProps) {
    super(scope, id);
    try {
      this.resource = new Wafv2WebAclAssociation(this, "Resource", {
        resourceArn: props.resourceArn,
        webAclArn: props.webAclArn,
      });
    } catch (error) {
      throw scoped(this, error);
    }
  }
}
