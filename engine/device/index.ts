export {
  DEVICES,
  INSTALL_HINTS,
  DeviceUnavailableError,
  assertDevice,
  createSession,
  currentDevice,
  useDevice,
  deviceAvailability,
  sessionOptionsFor,
  type CreateSessionOptions,
  type Device,
  type DeviceAvailability,
  type SessionTuning,
} from './devices';
export { probeAllDevices, probeDevice } from './probe';
export { probeModelBytes } from './probe-model';
