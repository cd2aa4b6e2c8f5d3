// A real OpenID Connect provider for egov's relying-party tests: panva's
// certified `oidc-provider`, configured with one client (egov), a few
// people, a login page, RP-initiated and back-channel logout. Started by
// the tests (`node server.mjs`), it prints `listening <issuer>` and serves
// until its standard input closes.
//
// Test controls, on the same port (the tests alone reach it, on loopback):
//   POST /test/mode?m=tamper|wrong-audience|expired|wrong-nonce
//        the next token answer's ID token is changed so: `tamper` edits the
//        payload and keeps the signature; the others re-sign with the
//        provider's own key, so that only the named check can refuse it.
//   POST /test/rotate
//        a new signing key; the old one stays published beside it.
//
// Settings from the environment: CLIENT_ID, CLIENT_SECRET, RP_BASE (egov's
// address: its callback, post-logout and back-channel addresses follow);
// RP_JWKS_FILE, if set, registers a second client, `${CLIENT_ID}-pk`, that
// authenticates with private_key_jwt under those public keys.

import http from 'node:http';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import Provider from 'oidc-provider';
import { generateKeyPair, exportJWK, importJWK, SignJWT } from 'jose';

const CLIENT_ID = process.env.CLIENT_ID ?? 'egov';
const CLIENT_SECRET = process.env.CLIENT_SECRET ?? 'egov-test-secret';
const RP_BASE = process.env.RP_BASE;
if (!RP_BASE) {
  console.error('RP_BASE is required');
  process.exit(2);
}

// People, as a provincial identity platform in front of VNeID would name
// their claims (the names egov is configured with in the tests).
const PEOPLE = {
  'p-mai': { name: 'Trần Thị Mai', so_dinh_danh: '072190001111', birthdate: '1990-05-12', loa: '2' },
  'p-hung': { name: 'Lê Văn Hùng', so_dinh_danh: '072085002222', birthdate: '1985-11-03', loa: '1' },
  'p-lan-org': {
    name: 'Phạm Thị Lan', so_dinh_danh: '072188003333', birthdate: '1988-02-20', loa: '2',
    ma_so_thue: '3901234567', ten_to_chuc: 'Công ty TNHH Nông sản Tây Ninh',
  },
};
const CLAIMS = ['name', 'so_dinh_danh', 'birthdate', 'loa', 'ma_so_thue', 'ten_to_chuc'];

async function newKey() {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  jwk.kid = `k-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  jwk.alg = 'RS256';
  jwk.use = 'sig';
  return jwk;
}

const server = http.createServer();
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const ISSUER = `http://127.0.0.1:${server.address().port}`;

let keys = [await newKey()];
let mode = null;
let provider = null;

function html(body) {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Test OP</title></head><body>${body}</body></html>`;
}

const RP_JWKS = process.env.RP_JWKS_FILE ? JSON.parse(readFileSync(process.env.RP_JWKS_FILE, 'utf8')) : null;

function makeProvider() {
  const extra = RP_JWKS ? [{
    client_id: `${CLIENT_ID}-pk`,
    redirect_uris: [`${RP_BASE}/dang-nhap/oidc/callback`],
    post_logout_redirect_uris: [`${RP_BASE}/`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'RS256',
    jwks: RP_JWKS,
  }] : [];
  const p = new Provider(ISSUER, {
    clients: [...extra, {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [`${RP_BASE}/dang-nhap/oidc/callback`],
      post_logout_redirect_uris: [`${RP_BASE}/`],
      backchannel_logout_uri: `${RP_BASE}/api/v1/auth/oidc/testop/backchannel-logout`,
      backchannel_logout_session_required: true,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    jwks: { keys },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // a plain form the tests can read: the xsrf value and the action
        async logoutSource(ctx, form) {
          const xsrf = /name="xsrf" value="([^"]+)"/.exec(form)?.[1] ?? '';
          const action = /action="([^"]+)"/.exec(form)?.[1] ?? '';
          ctx.body = html(`<form method="post" action="${action}"><input type="hidden" name="xsrf" value="${xsrf}">` +
            `<input type="hidden" name="logout" value="yes"><button type="submit">Đăng xuất</button></form>`);
        },
      },
    },
    claims: { openid: ['sub'], profile: CLAIMS },
    async findAccount(ctx, id) {
      if (!PEOPLE[id]) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...PEOPLE[id] }; } };
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    // egov is a first-party client: its grant is made without a consent page
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid profile');
      grant.addOIDCClaims(CLAIMS);
      await grant.save();
      return grant;
    },
    cookies: { keys: ['egov-test-cookie-key'] },
    // egov listens on loopback in the tests: the provider's guard against
    // requests to special-use addresses (SSRF) would stop its back-channel
    // logout, so its outgoing requests go without that dispatcher here.
    fetch(url, options) {
      const { dispatcher, ...rest } = options;
      return globalThis.fetch(url, rest);
    },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = html(`<h1>${out.error}</h1><p>${out.error_description ?? ''}</p>`);
    },
  });
  p.on('backchannel.error', (ctx, err, client, accountId, sid) => console.error(`backchannel error ${client.clientId} ${sid}: ${err} ${err.cause}`));
  p.on('backchannel.success', (ctx, client, accountId, sid) => console.error(`backchannel sent ${client.clientId} ${sid}`));
  p.on('end_session.error', (ctx, err) => console.error(`end_session error: ${err}`));
  // The test modes act on the token endpoint's answer.
  p.use(async (ctx, next) => {
    await next();
    if (ctx.path !== '/token' || ctx.method !== 'POST' || ctx.status !== 200 || !mode || !ctx.body?.id_token) return;
    const m = mode;
    mode = null;
    const [h, payload, sig] = ctx.body.id_token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const now = Math.floor(Date.now() / 1000);
    if (m === 'tamper') {
      claims.so_dinh_danh = '001099000001';
      claims.sub = 'p-hung';
      ctx.body = { ...ctx.body, id_token: `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}` };
      return;
    }
    if (m === 'wrong-audience') claims.aud = 'another-client';
    if (m === 'expired') { claims.iat = now - 7200; claims.exp = now - 3600; }
    if (m === 'wrong-nonce') claims.nonce = 'not-the-nonce-sent';
    const key = keys[0];
    const signed = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .sign(await importJWK(key, 'RS256'));
    ctx.body = { ...ctx.body, id_token: signed };
  });
  return p;
}

provider = makeProvider();

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString();
}

server.on('request', async (req, res) => {
  try {
    const url = new URL(req.url, ISSUER);
    if (url.pathname === '/test/mode' && req.method === 'POST') {
      mode = url.searchParams.get('m');
      res.end('ok');
      return;
    }
    if (url.pathname === '/test/rotate' && req.method === 'POST') {
      keys = [await newKey(), keys[0]];
      provider = makeProvider();
      res.end(keys[0].kid);
      return;
    }
    const login = /^\/interaction\/([^/]+)$/.exec(url.pathname);
    if (login && req.method === 'GET') {
      const details = await provider.interactionDetails(req, res);
      const buttons = Object.entries(PEOPLE)
        .map(([id, p]) => `<li><button type="submit" name="account" value="${id}">${p.name}</button></li>`).join('');
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(html(`<h1>Đăng nhập (${details.prompt.name})</h1><form method="post" action="/interaction/${details.uid}/login">` +
        `<ul>${buttons}</ul></form>`));
      return;
    }
    const done = /^\/interaction\/([^/]+)\/login$/.exec(url.pathname);
    if (done && req.method === 'POST') {
      const account = new URLSearchParams(await readBody(req)).get('account');
      if (!PEOPLE[account]) {
        res.statusCode = 400;
        res.end('no such person');
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: account } }, { mergeWithLastSubmission: false });
      return;
    }
    provider.callback()(req, res);
  } catch (e) {
    console.error(e);
    res.statusCode = 500;
    res.end(String(e));
  }
});

console.log(`listening ${ISSUER}`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
