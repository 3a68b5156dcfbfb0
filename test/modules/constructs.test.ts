import { describe, expect, test } from "vitest";
import { TerraformOutput } from "cdktf";
import {
  AppRunnerService,
  AutoScaling,
  CustomDomain,
  Observability,
  Source,
  VpcConnector,
  VpcIngressConnection,
  WafProtection,
  WebAclAssociation,
} from "../../modules/index.js";
import { only, resources, synth } from "../helpers/constructs.js";
import { DIGEST, REPO, WEB_ACL_ARN } from "./fixtures.js";

describe("AutoScaling", () => {
  test("explicit values", () => {
    const json = synth((s) => new AutoScaling(s, "Scale", { autoScalingConfigurationName: "api-scale", minSize: 3, maxSize: 9, maxConcurrency: 120, tags: { Owner: "a" } }));
    expect(only(json, "aws_apprunner_auto_scaling_configuration_version")).toEqual({
      auto_scaling_configuration_name: "api-scale",
      min_size: 3,
      max_size: 9,
      max_concurrency: 120,
      tags: { Owner: "a" },
    });
  });
  test("defaults: App Runner's 1/25/100 and a generated 4-32 character name", () => {
    const json = synth((s) => new AutoScaling(s, "AVeryLongConstructIdThatNeedsTruncation"));
    const r = only(json, "aws_apprunner_auto_scaling_configuration_version");
    expect([r.min_size, r.max_size, r.max_concurrency]).toEqual([1, 25, 100]);
    expect(r.auto_scaling_configuration_name).toMatch(/^AVeryLongConstructIdTha-[0-9a-f]{8}$/);
    expect(r.auto_scaling_configuration_name.length).toBe(32);
  });
});

describe("Observability", () => {
  test("X-Ray trace configuration", () => {
    const json = synth((s) => new Observability(s, "Obs", { observabilityConfigurationName: "api-tracing" }));
    expect(only(json, "aws_apprunner_observability_configuration")).toEqual({
      observability_configuration_name: "api-tracing",
      trace_configuration: { vendor: "AWSXRAY" },
    });
  });
});

describe("VpcConnector", () => {
  test("subnets and security groups", () => {
    const json = synth((s) => new VpcConnector(s, "Conn", { vpcConnectorName: "db-connector", subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-1"] }));
    expect(only(json, "aws_apprunner_vpc_connector")).toEqual({
      vpc_connector_name: "db-connector",
      subnets: ["subnet-a", "subnet-b"],
      security_groups: ["sg-1"],
    });
  });
});

describe("VpcIngressConnection and WebAclAssociation on their own", () => {
  test("wire to any service ARN", () => {
    const json = synth((s) => {
      new VpcIngressConnection(s, "In", { service: { serviceArn: "arn:svc" }, vpcId: "vpc-1", vpcEndpointId: "vpce-1" });
      new WebAclAssociation(s, "Waf", { resourceArn: "arn:svc", webAclArn: WEB_ACL_ARN });
    });
    const ingress = only(json, "aws_apprunner_vpc_ingress_connection");
    expect(ingress.service_arn).toBe("arn:svc");
    expect(ingress.name).toMatch(/^In-[0-9a-f]{8}$/);
    expect(ingress.ingress_vpc_configuration).toEqual({ vpc_id: "vpc-1", vpc_endpoint_id: "vpce-1" });
    expect(only(json, "aws_wafv2_web_acl_association")).toEqual({ resource_arn: "arn:svc", web_acl_arn: WEB_ACL_ARN });
  });
});

describe("CustomDomain", () => {
  const json = synth((s) => {
    const service = new AppRunnerService(s, "Api", {
      source: Source.fromEcr({ repository: REPO, tagOrDigest: DIGEST }),
      waf: WafProtection.webAcl(WEB_ACL_ARN),
    });
    const domain = new CustomDomain(s, "Domain", { service, domainName: "api.example.com" });
    new TerraformOutput(s, "target", { value: domain.dnsTarget });
    new TerraformOutput(s, "records", { value: domain.validationRecords });
    new TerraformOutput(s, "url", { value: service.serviceUrl });
  });

  test("associates the domain with the service, www off by default", () => {
    expect(only(json, "aws_apprunner_custom_domain_association")).toEqual({
      domain_name: "api.example.com",
      enable_www_subdomain: false,
      service_arn: "${aws_apprunner_service.Api_F70053CD.arn}",
    });
  });

  test("exposes the DNS target and validation records for wiring", () => {
    const id = Object.keys(resources(json, "aws_apprunner_custom_domain_association"))[0];
    expect(json.output.target.value).toBe(`\${aws_apprunner_custom_domain_association.${id}.dns_target}`);
    expect(json.output.records.value).toBe(
      `\${tolist(aws_apprunner_custom_domain_association.${id}.certificate_validation_records)}`,
    );
    expect(json.output.url.value).toBe("${aws_apprunner_service.Api_F70053CD.service_url}");
    expect(Object.keys(resources(json, "aws_apprunner_custom_domain_association"))).toHaveLength(1);
  });
});
