import { api, describeError } from '../api.js';
import { html, render } from '../html.js';
import { session } from '../session.js';

/** Sign-in: a button to the managed login in AWS, a password form in the twin. */
export const loginView = (main, { message = '', signedIn }) => {
  if (session.hosted) {
    render(
      main,
      html`<section class="card login" aria-labelledby="sign-in-title">
        <h2 id="sign-in-title">Sign in</h2>
        <p>With your staff account and authenticator app.</p>
        <button class="primary" type="button" id="sign-in">Sign in</button>
        <p class="error" role="alert">${message}</p>
      </section>`,
    );
    main.querySelector('#sign-in').addEventListener('click', () => session.signIn());
    return;
  }
  render(
    main,
    html`<form class="card login" id="login" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">Sign in</h2>
      <label for="username">Username</label><input id="username" name="username" autocomplete="username" required />
      <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required />
      <button class="primary" type="submit">Sign in</button>
      <p class="error" id="login-error" role="alert">${message}</p>
    </form>`,
  );
  main.querySelector('#username').focus();
  main.querySelector('#login').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      const { token } = await api('POST', '/auth/login', { username: form.get('username'), password: form.get('password') });
      session.saveLocal(token);
      signedIn();
    } catch (error) {
      main.querySelector('#login-error').textContent = describeError(error);
    }
  });
};
