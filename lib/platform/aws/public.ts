// What the package root exports of the AWS platform: the platform, its options and constructs,
// and the boot profile contract an OS answers; not the delivery and naming helpers it uses inside.
export * from "./platform";
export * from "./network";
export * from "./security";
export * from "./load-balancer";
export * from "./image";
export * from "./iam";
export * from "./machine";
export * from "./profile";
export { ConfigBucket, type ConfigBucketProps, DEFERRED_VALUE_BUDGET, EC2_USER_DATA_LIMIT, type StoredConfig } from "./delivery";
export { MAX_ZONES, SUBNET_BITS } from "./cidr";
