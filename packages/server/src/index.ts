export { createServer, SIMULATOR_PREFIX, type ServerOptions } from "./app";
export { ConfigError, loadConfig, type Config } from "./config";
export { ApiError, errors, type ErrorName } from "./errors";
export { DEMO_APPID, start, type Running } from "./runtime";
export { createSecretBox, type SecretBox } from "./secret-box";
export { createSessions, DEFAULT_SESSION_POLICY, type SessionPolicy, type Sessions } from "./sessions";
export { createStorage, type Storage, type User, type Session, type Tenant } from "./storage/storage";
export { openStorage } from "./storage/open";
export { connect } from "./storage/connect";
