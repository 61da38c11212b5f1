/* global window, document, localStorage, URLSearchParams */
import { render } from 'preact';
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, explain } from './api.js';
import { CustomerPage } from './pages/customer.js';
import { FollowUpsPage } from './pages/follow-ups.js';
import { OpsPage } from './pages/ops.js';
import { HealthConfigPage } from './pages/health-config.js';
import { PortfolioPage } from './pages/portfolio.js';
import { TeamPage } from './pages/team.js';

const USER_KEY = 'closeness.user';
const CUSTOMER_ROLES = ['admin', 'team_lead', 'account_manager'];

function readHash() {
  const path = window.location.hash.replace(/^#/, '') || '/';
  const [pathname, query = ''] = path.split('?');
  return { parts: pathname.split('/').filter(Boolean), query: new URLSearchParams(query) };
}

function useRoute() {
  const [route, setRoute] = useState(readHash);
  useEffect(() => {
    const on = () => setRoute(readHash());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

const homeFor = (user) => (user.role === 'ops' ? '#/ops' : user.role === 'team_lead' ? '#/team' : '#/portfolio');

function storedUser() {
  try {
    return JSON.parse(localStorage.getItem(USER_KEY) || 'null');
  } catch {
    return null;
  }
}

function Login({ onSignedIn, notice }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const emailRef = useRef(null);
  useEffect(() => emailRef.current && emailRef.current.focus(), []);

  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api('/auth/login', { method: 'POST', body: { email: email.trim(), password }, quiet401: true });
      onSignedIn(res.user);
    } catch (err) {
      setError(
        err.status === 401
          ? 'Wrong e-mail or password. Check both and try again.'
          : err.status === 422
            ? 'Enter a valid e-mail address and your password.'
            : explain(err),
      );
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return html`<main id="main" class="login-page">
    <form class="login card" onSubmit=${submit} aria-labelledby="login-title" novalidate>
      <h1 id="login-title"><span class="logo" aria-hidden="true"></span> Closeness</h1>
      <p class="muted">Relationship health for account managers: who is drifting, what happened, what to do next.</p>
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : null}
      <label for="login-email">E-mail</label>
      <input id="login-email" ref=${emailRef} type="email" name="email" autocomplete="username" required value=${email} onInput=${(e) => setEmail(e.currentTarget.value)} />
      <label for="login-password">Password</label>
      <input id="login-password" type="password" name="password" autocomplete="current-password" required value=${password} onInput=${(e) => setPassword(e.currentTarget.value)} />
      ${error ? html`<p id="login-error" class="form-error" role="alert">${error}</p>` : null}
      <button type="submit" class="primary wide" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
    </form>
  </main>`;
}

function Nav({ user, route, onSignOut }) {
  const here = route.parts[0] || '';
  const link = (href, label, key) =>
    html`<li><a href=${href} aria-current=${here === key ? 'page' : undefined}>${label}</a></li>`;
  const customers = CUSTOMER_ROLES.includes(user.role);
  return html`<header class="topbar">
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); const m = document.getElementById('main'); if (m) m.focus(); }}>Skip to content</a>
    <a class="brand" href=${homeFor(user)}><span class="logo" aria-hidden="true"></span> Closeness</a>
    <nav aria-label="Main">
      <ul>
        ${customers ? link('#/portfolio', user.role === 'account_manager' ? 'My portfolio' : 'Portfolio', 'portfolio') : null}
        ${customers ? link('#/follow-ups', 'My follow-ups', 'follow-ups') : null}
        ${user.role === 'team_lead' || user.role === 'admin' ? link('#/team', 'Team', 'team') : null}
        ${user.role === 'ops' || user.role === 'admin' ? link('#/ops', 'Ops', 'ops') : null}
        ${user.role === 'admin' ? link('#/health-config', 'Health config', 'health-config') : null}
        ${user.role === 'ops' || user.role === 'admin' ? html`<li><a href="/admin/queues" class="external">Queue dashboard</a></li>` : null}
      </ul>
    </nav>
    <div class="who">
      <span><span class="sr-only">Signed in as </span>${user.name} <span class="muted">(${user.role.replace('_', ' ')})</span></span>
      <button type="button" class="link" onClick=${onSignOut}>Sign out</button>
    </div>
  </header>`;
}

function Page({ user, route }) {
  const [first, second] = route.parts;
  const customers = CUSTOMER_ROLES.includes(user.role);
  if (first === 'customers' && second && customers) return html`<${CustomerPage} key=${second} id=${second} user=${user} />`;
  if (first === 'portfolio' && customers) return html`<${PortfolioPage} user=${user} query=${route.query} />`;
  if (first === 'follow-ups' && customers) return html`<${FollowUpsPage} user=${user} query=${route.query} />`;
  if (first === 'team' && (user.role === 'team_lead' || user.role === 'admin')) return html`<${TeamPage} user=${user} />`;
  if (first === 'ops' && (user.role === 'ops' || user.role === 'admin')) return html`<${OpsPage} user=${user} />`;
  if (first === 'health-config' && user.role === 'admin') return html`<${HealthConfigPage} />`;
  if (!first) {
    window.location.replace(homeFor(user));
    return null;
  }
  return html`<main id="main" tabindex="-1"><h1>Nothing here</h1>
    <p>This page does not exist or your role (${user.role.replace('_', ' ')}) cannot open it. <a href=${homeFor(user)}>Go to your start page</a>.</p></main>`;
}

function App() {
  const [user, setUser] = useState(storedUser);
  const [notice, setNotice] = useState(null);
  const route = useRoute();

  const signedOut = (message) => {
    localStorage.removeItem(USER_KEY);
    setUser(null);
    setNotice(message || null);
  };

  useEffect(() => {
    const on = () => signedOut('Your session has ended. Sign in again to continue.');
    window.addEventListener('closeness:unauthorized', on);
    // A remembered profile is only a hint: the cookie decides, so check it once.
    if (user) api('/auth/me', { quiet401: true }).then((me) => me && me.id && setUser(me), (err) => err.status === 401 && on());
    return () => window.removeEventListener('closeness:unauthorized', on);
  }, []);

  // Move focus to the page's main region on navigation so keyboard and screen-reader users land on the content.
  useEffect(() => {
    const m = document.getElementById('main');
    if (m && user) m.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [route.parts.join('/'), !!user]);

  if (!user) {
    return html`<${Login}
      notice=${notice}
      onSignedIn=${(u) => {
        localStorage.setItem(USER_KEY, JSON.stringify(u));
        setNotice(null);
        setUser(u);
        if (!readHash().parts.length) window.location.hash = homeFor(u);
      }}
    />`;
  }
  const signOut = async () => {
    await api('/auth/logout', { method: 'POST', quiet401: true }).catch(() => undefined);
    signedOut('You are signed out.');
    window.location.hash = '';
  };
  return html`<${Nav} user=${user} route=${route} onSignOut=${signOut} />
    <${Page} user=${user} route=${route} />
    <div id="announcer" class="toast" role="status" aria-live="polite"></div>`;
}

const root = document.getElementById('root');
root.textContent = '';
render(html`<${App} />`, root);
