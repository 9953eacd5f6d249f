export {
  DEVICES,
  INSTALL_HINTS,
  DeviceUnavailableError,
  assertDevice,
  createSession,
  defaultIntraOpThreads,
  requireDevice,
  deviceAvailability,
  sessionOptionsFor,
  type CreateSessionOptions,
  type Device,
  type DeviceAvailability,
  type SessionTuning,
} from './devices';
export { probeAllDevices, probeDevice } from './probe';
export { probeModelBytes } from './probe-model';
