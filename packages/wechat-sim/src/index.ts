export { ACCESS_TOKEN_OVERLAP_MS, ACCESS_TOKEN_TTL_MS } from "./access-tokens";
export { newRid, wechatErrorBody, type WechatErrorBody } from "./errors";
export { defaultPhone, encryptedPhoneNumber, phoneInfo, type SimPhone, type SimPhoneInfo } from "./phones";
export {
  wxRequest,
  type WxRequestMethod,
  type WxRequestOptions,
  type WxRequestSuccess,
  type WxRequestTask,
} from "./request";
export {
  CHECK_SESSION_PATH,
  CODE2SESSION_PATH,
  GET_USER_PHONE_NUMBER_PATH,
  RESET_USER_SESSION_KEY_PATH,
  STABLE_TOKEN_PATH,
  TOKEN_PATH,
  startWechatSim,
  wechatSimPlugin,
  type RunningSim,
  type StartWechatSimOptions,
  type WechatSimPluginOptions,
} from "./server";
export { plainUserInfo, signedUserInfo, type SimSignedUserInfo, type SimUserInfo } from "./user-info";
export {
  createWx,
  type CreateWxOptions,
  type SimWx,
  type SimWxState,
  type WxOk,
  type WxPhoneNumberResult,
  type WxUserInfoResult,
} from "./wx";
export { wxAsync, wxFail, type WxAsyncApi, type WxCallbacks, type WxFail } from "./wx-async";
export { mimeTypeOf, SimTempFiles, solidPng, type SimTempFile, type SimTempPathStyle } from "./wx-temp-files";
export { wxUploadFile, type WxUploadFileOptions, type WxUploadFileSuccess, type WxUploadTask } from "./wx-upload";
export {
  DEFAULT_AVATAR_URL,
  WechatWorld,
  type AccessTokenBody,
  type AccessTokenRequest,
  type Code2SessionBody,
  type Code2SessionQuery,
  type PhoneNumberBody,
  type ResetSessionKeyBody,
  type SessionKeyQuery,
  type SimFault,
  type SimFaultSetting,
  type SimUserProfile,
  type WechatWorldOptions,
} from "./world";
