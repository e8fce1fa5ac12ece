/** A setting is missing or wrong: the server or CLI stops with this message. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}
