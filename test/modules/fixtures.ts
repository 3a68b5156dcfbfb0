export const ACCOUNT = "123456789012";
export const REPO = {
  repositoryUrl: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/api`,
  arn: `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/api`,
};
export const DIGEST = `sha256:${"ab".repeat(32)}`;
export const SECRET_ARN = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:prod/db-AbCdEf`;
export const OTHER_SECRET_ARN = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:prod/stripe-GhIjKl`;
export const PARAM_ARN = `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/prod/feature-flags`;
export const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const WEB_ACL_ARN = `arn:aws:wafv2:eu-west-1:${ACCOUNT}:regional/webacl/api/a1b2c3d4`;
export const CONNECTION_ARN = `arn:aws:apprunner:eu-west-1:${ACCOUNT}:connection/github/abcdef0123456789`;
