// The status page's HTML builder escapes every interpolated value, at any depth.
import { describe, expect, it } from 'vitest';
import { html } from '../../src/admin/html.js';

describe('html', () => {
  it('escapes strings, keeps Html, flattens lists, drops null, undefined and false', () => {
    const name = `<script>alert("x")</script>&'`;
    const inner = html`<b>${name}</b>`;
    expect(html`<p title="${name}">${inner}${[html`<i>1</i>`, '<2>']}${null}${undefined}${false}${0}</p>`.text).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"><b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</b><i>1</i>&lt;2&gt;0</p>',
    );
  });
});
