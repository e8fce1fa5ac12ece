import { messageOf } from "./format";

const REFERRER_KEY = "referrer";

/** Remembers who shared the page the user came in by (API Factory's `inviter_id`). */
export function rememberReferrer(inviterId: string | undefined): void {
  const uid = Number(inviterId);
  if (Number.isInteger(uid) && uid > 0) wx.setStorageSync(REFERRER_KEY, uid);
}

/**
 * The login popup's 允许: registers the user with their profile (or logs in an
 * existing one). Call it straight from the tap. False, with a toast, on failure.
 */
export async function loginFromPopup(): Promise<boolean> {
  const referrer = Number(wx.getStorageSync(REFERRER_KEY)) || undefined;
  const result = await getApp<IAppOption>().wegate.register({ referrer });
  if (!result.ok) {
    wx.showToast({ title: messageOf(result.error), icon: "none" });
    return false;
  }
  return true;
}
