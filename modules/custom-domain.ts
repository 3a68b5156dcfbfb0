import { Construct } from "constructs";
import {
  ApprunnerCustomDomainAssociation,
  type ApprunnerCustomDomainAssociationCertificateValidationRecordsList,
} from "@cdktf/provider-aws/lib/apprunner-custom-domain-association/index.js";
import { scoped } from "./private/validate.js";

export interface CustomDomainProps {
  /** The service to serve on the domain (an `AppRunnerService` or `{ serviceArn }`). */
  readonly service: { readonly serviceArn: string };
  /** e.g. `api.example.com` */
  readonly domainName: string;
  /** @default false - only the domain itself, not `www.<domain>` */
  readonly enableWwwSubdomain?: boolean;
}

/**
 * An `aws_apprunner_custom_domain_association`. Create the DNS records in
 * `validationRecords` and a CNAME to `dnsTarget`; App Runner issues the certificate.
 */
export class CustomDomain extends Construct {
  readonly resource: ApprunnerCustomDomainAssociation;
  /** The CNAME target for the domain. */
  readonly dnsTarget: string;
  /** Certificate validation records (name, type, value) to create in your DNS zone; a set, known after apply. */
  readonly validationRecords: ApprunnerCustomDomainAssociationCertificateValidationRecordsList;

  constructor(scope: Construct, id: string, props: CustomDomainProps) {
    super(scope, id);
    try {
      this.resource = new ApprunnerCustomDomainAssociation(this, "Resource", {
        serviceArn: props.service.serviceArn,
        domainName: props.domainName,
        enableWwwSubdomain: props.enableWwwSubdomain ?? false,
      });
      this.dnsTarget = this.resource.dnsTarget;
      this.validationRecords = this.resource.certificateValidationRecords;
    } catch (error) {
      throw scoped(this, error);
    }
  }
}
