export { newRid, wechatErrorBody, type WechatErrorBody } from "./errors";
export {
  wxRequest,
  type WxRequestMethod,
  type WxRequestOptions,
  type WxRequestSuccess,
  type WxRequestTask,
} from "./request";
export {
  CODE2SESSION_PATH,
  startWechatSim,
  wechatSimPlugin,
  type RunningSim,
  type StartWechatSimOptions,
  type WechatSimPluginOptions,
} from "./server";
export { plainUserInfo, signedUserInfo, type SimSignedUserInfo, type SimUserInfo } from "./user-info";
export { createWx, type CreateWxOptions, type SimWx, type SimWxState, type WxOk, type WxUserInfoResult } from "./wx";
export { wxAsync, wxFail, type WxAsyncApi, type WxCallbacks, type WxFail } from "./wx-async";
export {
  DEFAULT_AVATAR_URL,
  WechatWorld,
  type Code2SessionBody,
  type Code2SessionQuery,
  type SimFault,
  type SimFaultSetting,
  type SimUserProfile,
  type WechatWorldOptions,
} from "./world";
