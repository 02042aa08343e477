/** Prototype of the dmacvicar/libvirt 0.9 platform (issue 16): see README.md. */
export { FLATCAR_FW_CFG_NAME, FlatcarLab09, macFor, type FlatcarLab09Props, type FlatcarMachine09, type FlatcarMachine09Props } from "./flatcar-lab";
export { LIBVIRT_09_PROVIDER_VERSION, ensureLibvirt09Provider } from "./provider";
