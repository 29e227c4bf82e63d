/* The 404 page: its login link goes to the clinic this tab last used, if any. */
import { loginUrl, remembered } from "./api.js";

const known = remembered();
if (known.clinicId) {
  const link = document.getElementById("not-found-login");
  link.href = loginUrl(known.clinicId, known.loginType);
  link.textContent = "Go to the " + known.clinicId + " login page";
}
