import { createClient } from "@wegate/sdk";
import { config } from "./config";

App<IAppOption>({
  globalData: {},
  // One client for every page; it keeps the token in wx storage.
  wegate: createClient({ baseURL: config.baseURL, subDomain: config.subDomain, wx }),
});
