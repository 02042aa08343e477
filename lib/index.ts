// The public API of cdktf-microos: constructs, their props, enums and factories, and the contracts
// for OS and platform authors. Checkers, validators and decoders are in cdktf-microos/testing or
// stay internal. Named one by one, so a new export is a reviewed line here and in api/*.api.md
// (npm run api). The testing kit is a separate entry point: cdktf-microos/testing.
export {
  MicroOsError,
} from "./core/errors";
export type {
  Problem,
  Finding,
} from "./core/errors";
export {
  Architecture,
  NodeRole,
  TaintEffect,
} from "./core/node";
export type {
  Taint,
  NodeSpec,
} from "./core/node";
export type {
  Encoder,
} from "./core/deferred";
export {
  IgnitionVersion,
  IgnitionFeature,
  RaidLevel,
  FilesystemFormat,
  IgnitionConfig,
  IGNITION_FORMAT,
} from "./ignition";
export type {
  IgnitionSpecChoice,
  IgnitionSpec,
  VerificationSpec,
  HttpHeaderSpec,
  ResourceSpec,
  IgnitionSection,
  NodeSpecBase,
  FileSpec,
  DirectorySpec,
  LinkSpec,
  PartitionSpec,
  DiskSpec,
  RaidSpec,
  FilesystemSpec,
  LuksSpec,
  TangSpec,
  ClevisSpec,
  StorageSection,
  DropinSpec,
  UnitSpec,
  SystemdSection,
  UserSpec,
  GroupSpec,
  PasswdSection,
  KernelArgumentsSection,
  IgnitionVariant,
  Owner,
  ContentHash,
  HttpHeader,
  RemoteResource,
  InlineText,
  InlineBytes,
  ResourceInput,
  FileOptions,
  RemoteFileOptions,
  LinkOptions,
  UnitOptions,
  UserOptions,
  GroupOptions,
  TimeoutOptions,
  ProxyOptions,
  PartitionOptions,
  DiskOptions,
  RaidOptions,
  FilesystemOptions,
  LuksOptions,
  TangServer,
  ClevisCustomPin,
  ClevisOptions,
  IgnitionConfigProps,
  RenderOptions,
} from "./ignition";
export {
  K3osDataSource,
  WriteFileEncoding,
  K3osConfig,
  K3OS_FORMAT,
} from "./k3os";
export type {
  K3osConfigProps,
  K3osFile,
  K3osInstall,
  K3osWifi,
  K3osRenderOptions,
  K3osConfigObject,
} from "./k3os";
export {
  K3sRole,
  K3sComponent,
  k3sConfigObject,
  renderK3sConfigFile,
  K3sCertificateAuthority,
} from "./k3s";
export {
  k3sDigestSource,
} from "./k3s/release";
export type {
  K3sFile,
  K3sNodeProps,
  K3sCaPair,
  K3sCustomCas,
} from "./k3s";
export type {
  RenderedConfig,
} from "./core/format";
export type {
  NodeBootstrap,
  IOperatingSystem,
} from "./os/os";
export {
  applyK3sToFlatcar,
  K3sFlatcarInstall,
  FlatcarChannel,
  Flatcar,
  RebootStrategy,
  Weekday,
  FlatcarUpdates,
  addStaticNetwork,
  addContainerService,
  ContainerRestart,
  PortProtocol,
  addSysext,
  disableBuiltinSysext,
  setTimezone,
  setNtpServers,
} from "./os/flatcar";
export type {
  K3sArtifactHashes,
  K3sBinaryProps,
  K3sFlatcarOptions,
  K3sSysextProps,
  FlatcarNodeCustomizer,
  FlatcarProps,
  RebootWindow,
  AutomaticUpdatesOptions,
  DisabledUpdatesOptions,
  StaticNetworkOptions,
  ContainerPort,
  ContainerVolume,
  ContainerServiceOptions,
  SysextUpdateOptions,
  SysextOptions,
} from "./os/flatcar";
export {
  K3sFedoraCoreOsInstall,
  FedoraCoreOsStream,
  FedoraCoreOs,
  ZincatiStrategy,
  FedoraCoreOsUpdates,
} from "./os/fcos";
export type {
  K3sFedoraCoreOsBinaryProps,
  FedoraCoreOsQemuImages,
  FedoraCoreOsNodeCustomizer,
  FedoraCoreOsProps,
  ZincatiWindow,
  PeriodicUpdatesOptions,
  FleetLockUpdatesOptions,
} from "./os/fcos";
export {
  K3OS_DEFAULT_RELEASE,
  K3os,
  applyK3sToK3os,
} from "./os/k3os";
export type {
  K3osAmis,
  K3osProps,
  K3sK3osOptions,
} from "./os/k3os";
export {
  KAIROS_DEFAULT_RELEASE,
  KairosFlavor,
  KAIROS_ADMIN_USER,
  Kairos,
  applyK3sToKairos,
  escapeKairosTemplate,
  KairosStage,
  KairosConfig,
  KAIROS_FORMAT,
} from "./os/kairos";
export type {
  KairosArtifacts,
  KairosProps,
  K3sKairosOptions,
  KairosUser,
  KairosInstall,
  KairosReset,
  KairosK3s,
  KairosFile,
  KairosStep,
  KairosConfigProps,
  KairosConfigObject,
} from "./os/kairos";
export {
  ReplacementPolicy,
} from "./platform/platform";
export type {
  NodeConfigSource,
  MachineRequest,
  ConfigLocation,
  MachineInfo,
  PlatformBinding,
  IPlatform,
  BindOptions,
} from "./platform/platform";
export {
  ConfigBucket,
  SecretsInUserData,
  WorkerPlacement,
  AwsPlatform,
  AwsClusterBinding,
  existingNetwork,
  NatGateways,
  ClusterVpc,
  ClusterSecurityGroups,
  LoadBalancerScheme,
  ApiLoadBalancer,
  AwsImagePolicyKind,
  AwsImagePolicy,
  ClusterImages,
  NodeIdentity,
  RootVolumeType,
  NodeInstance,
  WorkerPool,
  AWS_BOOT_PROFILE,
} from "./platform/aws/public";
export type {
  ConfigBucketProps,
  StoredConfig,
  AwsExistingVpcProps,
  AwsNewVpcProps,
  AwsPlatformOptions,
  AwsMachine,
  NodeSubnet,
  IClusterNetwork,
  ClusterVpcProps,
  ExistingNetworkProps,
  ClusterSecurityGroupsProps,
  ApiLoadBalancerProps,
  PinnedAmis,
  ResolvedImage,
  ClusterImagesProps,
  NodeIdentityProps,
  RootVolume,
  NodeInstanceProps,
  WorkerPoolProps,
  AwsImageSource,
  AwsConfigFetch,
  AwsBootProfile,
} from "./platform/aws/public";
export {
  LibvirtImage,
  LibvirtMachine,
  LibvirtClusterBinding,
  LibvirtPlatform,
  AddressPlacement,
  LibvirtNetwork,
  ensureLibvirtProvider,
  LIBVIRT_PROVIDER_VERSION,
  LIBVIRT_PROVIDER_SOURCE,
  LIBVIRT_LOCAL_URI,
  LibvirtFirmware,
  LIBVIRT_BOOT_PROFILE,
} from "./platform/libvirt/public";
export type {
  LibvirtImageProps,
  LibvirtMachineProps,
  LibvirtClusterBindingProps,
  LibvirtLocalProps,
  LibvirtHost,
  LibvirtGroupMember,
  LibvirtAddressRange,
  LibvirtNetworkProps,
  LibvirtImageSource,
  LibvirtConfigDelivery,
  LibvirtBootProfile,
} from "./platform/libvirt/public";
export {
  ClusterPool,
  Cluster,
  ClusterToken,
  ClusterCertificates,
} from "./cluster";
export type {
  AccessProps,
  ClusterProps,
  ControllersProps,
  KubernetesProps,
  PoolProps,
  BoundCertificates,
} from "./cluster";
export {
  MachineSize,
} from "./core/size";
export type {
  SizeInput,
} from "./core/size";
export {
  ProfileKey,
  BootProfiles,
} from "./core/profile";
export type {
  ProfileFactory,
  MachineMinimums,
} from "./core/profile";
export {
  ConfigFormat,
} from "./core/format";
export type {
  ConfigCustomizer,
  ConfigDecoder,
  ConfigFormatParts,
  ConfigValidator,
  DecodedConfig,
  DecodedFile,
  DecodedK3s,
  DecodedUnit,
  DecodedUser,
  ValidationOptions,
} from "./core/format";
