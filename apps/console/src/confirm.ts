import { ElMessageBox } from "element-plus";
import "element-plus/es/components/message-box/style/css";
import { i18n } from "./i18n";

/** Asks before a change that cannot be undone; resolves false on cancel (never throws). */
export async function confirm(message: string, danger = true): Promise<boolean> {
  const { t } = i18n.global;
  try {
    await ElMessageBox.confirm(message, t("common.notice"), {
      confirmButtonText: t("common.confirm"),
      cancelButtonText: t("common.cancel"),
      type: danger ? "warning" : "info",
    });
    return true;
  } catch {
    return false;
  }
}
