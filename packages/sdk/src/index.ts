export type { AuthOptions, AuthorizeOptions, RegisterOptions } from "./auth";
export { createClient, type ClientOptions, type WegateClient } from "./client";
export { ErrorCode, failedWith, isTokenRejected, needsRegistration, type Result, type WegateError } from "./result";
export type { LoginSession, StorageKeys } from "./token-store";
export type { Params, Transport, TransportOptions, Upload } from "./transport";
export type * from "./types";
export type { WxLike } from "./wx";
