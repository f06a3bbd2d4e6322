// EdgeConductor console: keeps the session cookie fresh while a page stays open (the circuit may have rotated the
// refresh token; this request lets the server re-issue the cookie with the newest pair). Every 5 minutes.
(function () {
  setInterval(function () {
    fetch('/account/session', { method: 'POST', credentials: 'same-origin', headers: { 'X-EC-Console': '1' } })
      .catch(function () { /* offline: the next page load redirects if the session ended */ });
  }, 5 * 60 * 1000);
  window.ecConsole = {
    copy: function (text) { return navigator.clipboard ? navigator.clipboard.writeText(text) : Promise.resolve(); }
  };
})();
