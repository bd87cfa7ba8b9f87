// Verifies recorded deliveries with the Standard Webhooks reference library (npm standardwebhooks).
// stdin: JSON {secret, deliveries: [{body, headers}]}; stdout: one line per delivery, "ok" or "fail <why>".
const { Webhook } = require('standardwebhooks');
let input = '';
process.stdin.on('data', chunk => input += chunk);
process.stdin.on('end', () => {
  const { secret, deliveries } = JSON.parse(input);
  const webhook = new Webhook(secret);
  for (const d of deliveries) {
    try {
      webhook.verify(d.body, d.headers);
      console.log('ok');
    } catch (e) {
      console.log('fail ' + e.message);
    }
  }
});
