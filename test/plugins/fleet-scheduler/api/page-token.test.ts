import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeUrlBase64 } from '../../../../plugins/fleet-scheduler/api/go-base64.js';
import { decodePageToken, encodePageToken, pageOf, requestedPage } from '../../../../plugins/fleet-scheduler/api/page-token.js';
import { refusal } from '../../../support/fleet-api-refusal.js';

const tokens = suite('fleet api: page tokens');

const query = (text: string) => new URLSearchParams(text);

tokens('a token is limit then page, uint16 little-endian, in padded URL-safe base64', () => {
  assert.is(encodePageToken({ limit: 2, page: 2 }), 'AgACAA==');
  assert.is(encodePageToken({ limit: 100, page: 2 }), 'ZAACAA==');
  assert.is(encodePageToken({ limit: 65535, page: 258 }), '__8CAQ==');
  assert.equal(decodePageToken('ZAACAA=='), { limit: 100, page: 2 });
  assert.equal(decodePageToken('__8CAQ=='), { limit: 65535, page: 258 });
});

tokens('the token arrives percent-encoded in the query, next to alt=json', () => {
  assert.equal(requestedPage(query('alt=json&nextPageToken=AgACAA%3D%3D'), 2), { limit: 2, page: 2 });
  assert.equal(requestedPage(query('alt=json'), 2), { limit: 2, page: 1 });
});

tokens('tokens are refused with fleet messages', () => {
  assert.is(refusal(() => requestedPage(query('nextPageToken=AgACAA%3D%3D&nextPageToken=AgACAA%3D%3D'), 2)), 'too many values for page token');
  assert.is(refusal(() => requestedPage(query('nextPageToken=ZAACAA%3D%3D'), 2)), 'token limit must be 2');
  assert.is(refusal(() => requestedPage(query('nextPageToken=AgAAAA%3D%3D'), 2)), 'token page must be greater than zero');
  assert.is(refusal(() => requestedPage(query('nextPageToken='), 2)), 'EOF');
  assert.is(refusal(() => requestedPage(query('nextPageToken=AgA%3D'), 2)), 'unexpected EOF');
  assert.is(refusal(() => requestedPage(query('nextPageToken=AgACAA'), 2)), 'illegal base64 data at input byte 4');
  assert.is(refusal(() => requestedPage(query('nextPageToken=!!!!'), 2)), 'illegal base64 data at input byte 0');
  // `+` in a query is a space; standard base64 is not the URL alphabet.
  assert.is(refusal(() => requestedPage(query('nextPageToken=Ag+CAA=='), 2)), 'illegal base64 data at input byte 2');
  assert.is(refusal(() => requestedPage(query('nextPageToken=AgACAA%3D%3Dx'), 2)), 'illegal base64 data at input byte 8');
});

tokens('the decoder follows Go: padding required, CR/LF skipped, bytes past the fourth ignored', () => {
  assert.equal([...decodeUrlBase64('AgACAA==')], [2, 0, 2, 0]);
  assert.equal([...decodeUrlBase64('AgAC\r\nAA==')], [2, 0, 2, 0]);
  assert.equal([...decodeUrlBase64('')], []);
  assert.throws(() => decodeUrlBase64('AgACAA='), /input byte 7$/);
  assert.throws(() => decodeUrlBase64('AgACAA=x'), /input byte 6$/);
  assert.throws(() => decodeUrlBase64('A==='), /input byte 1$/);
  assert.throws(() => decodeUrlBase64('A'), /input byte 0$/);
  assert.equal(decodePageToken('AgACAAAA'), { limit: 2, page: 2 });
});

tokens('pages cover [(p-1)*L, p*L); a page that ends on the last item still points on', () => {
  const four = ['a', 'b', 'c', 'd'];
  assert.equal(pageOf(four, { limit: 2, page: 1 }), { items: ['a', 'b'], next: 'AgACAA==' });
  assert.equal(pageOf(four, { limit: 2, page: 2 }), { items: ['c', 'd'], next: 'AgADAA==' });
  assert.equal(pageOf(four, { limit: 2, page: 3 }), { items: [] });
  assert.equal(pageOf(['a', 'b', 'c'], { limit: 2, page: 2 }), { items: ['c'] });
  assert.equal(pageOf([], { limit: 2, page: 1 }), { items: [] });
  assert.equal(pageOf(['a', 'b'], { limit: 100, page: 1 }), { items: ['a', 'b'] });
});

tokens.run();
