// check.js - what the browser test asserts, with headless Chromium through playwright-core:
//   the samples' report: the script ran under the page's Content-Security-Policy (no
//   violation), one bar per topic in each chart, as many highlighted sentences as the JSON
//   output's tagged_sentences, and the topic and role filters hide exactly the articles
//   without the topic (at that role) in the JSON output;
//   the hostile report: no injected script ran (window flags absent), the body still shows,
//   the article text is shown literally;
//   the control page: the flag check does catch a script that runs.
// Usage: node check.js CHROMIUM_PATH WORK_DIR
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');

const [exe, work] = process.argv.slice(2);
let failures = 0, passes = 0;
function check(ok, what) {
    if (ok) { passes++; console.log('ok: ' + what); }
    else { failures++; console.log('FAIL: ' + what); }
}

const FLAGS = ['pwned', 'pwnedId', 'pwnedTitle', 'pwnedRule', 'pwnedAttr', 'pwnedHref'];

async function open(browser, file) {
    const page = await browser.newPage();
    const messages = [];
    page.on('console', m => messages.push(m.text()));
    page.on('pageerror', e => messages.push('page error: ' + e.message));
    // nothing may be fetched: the page is self-contained
    const requests = [];
    page.on('request', r => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
    await page.goto('file://' + path.join(work, file));
    return { page, messages, requests };
}

async function flags(page) {
    return page.evaluate(names => names.filter(n => window[n] !== undefined), FLAGS);
}

(async () => {
    const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox'] });
    try {
        const json = JSON.parse(fs.readFileSync(path.join(work, 'samples.json'), 'utf8'));
        const topics = json.summary.topics.map(t => t.id);
        const { page, messages, requests } = await open(browser, 'samples.html');
        check(await page.evaluate(() => !document.getElementById('filter').hidden),
              'the script ran (the filter bar is shown)');
        check(!messages.some(m => /Content Security Policy|Refused/.test(m)),
              'no Content-Security-Policy violation: ' + JSON.stringify(messages));
        check(requests.length === 0, 'no network request: ' + JSON.stringify(requests));
        for (const chart of ['chart-sentences', 'chart-articles']) {
            const bars = await page.locator('#' + chart + ' rect.bar').count();
            check(bars === topics.length, `#${chart}: ${bars} bars, ${topics.length} topics`);
        }
        const tagged = await page.locator('span.t').count();
        check(tagged === json.summary.tagged_sentences,
              `${tagged} highlighted sentences, JSON tagged_sentences ${json.summary.tagged_sentences}`);
        const visible = () => page.locator('section.doc:visible').count();
        const rows = () => page.locator('#articles tbody tr:visible').count();
        check(await visible() === json.documents.length,
              `all ${json.documents.length} articles shown before filtering`);
        const roles = { mentioned: 1, secondary: 2, primary: 3 };
        for (const [topic, role] of [['taiwan-strait', 1], ['taiwan-strait', 3],
                                     ['north-korea-missiles', 2]]) {
            await page.selectOption('#ft', topic);
            await page.selectOption('#fr', String(role));
            const want = json.documents.filter(d => d.topics.some(
                t => t.id === topic && roles[t.role] >= role)).length;
            const got = await visible(), gotRows = await rows();
            check(want > 0 && got === want && gotRows === want,
                  `filter ${topic} at role >= ${role}: ${got} articles and ${gotRows} rows shown, JSON says ${want}`);
        }
        await page.selectOption('#ft', '');
        check(await visible() === json.documents.length, 'clearing the filter shows every article');
        // sorting by tagged sentences, twice: descending first
        await page.click('#articles th:nth-child(4)');
        const first = await page.locator('#articles tbody tr').first().locator('td').nth(3)
            .getAttribute('data-v');
        const most = Math.max(...json.documents.map(d => d.sentences.filter(s => s.topics.length).length));
        check(+first === most, `sorted by tagged sentences: first row has ${first}, most is ${most}`);
        await page.screenshot({ path: path.join(work, 'samples.png') });

        const hostile = await open(browser, 'hostile.html');
        const hp = hostile.page;
        // give injected handlers every chance: hover and focus every sentence and link
        for (const el of await hp.locator('span.t, a, b').all()) {
            await el.hover({ timeout: 300 }).catch(() => {});
            await el.focus({ timeout: 300 }).catch(() => {});
        }
        check((await flags(hp)).length === 0, 'no injected script ran: ' + JSON.stringify(await flags(hp)));
        check(await hp.evaluate(() => document.scripts.length) === 1, 'the page has exactly its one script');
        check(await hp.evaluate(() => getComputedStyle(document.body).display) !== 'none',
              'an injected </style><style> did not hide the page');
        check(await hp.evaluate(() => document.body.textContent.includes('<script>window.pwned=1</script>')),
              'the article text is shown literally');
        check(await hp.evaluate(() => document.querySelectorAll('a[href^="javascript"]').length) === 0,
              'no javascript: link');
        check(await hp.locator('.err').count() > 0, 'the bad record is reported in place');

        const control = await open(browser, 'control.html');
        check((await flags(control.page)).includes('pwned'),
              'control: the flag check catches a script that runs');
    } finally {
        await browser.close();
    }
    console.log(`browser: ${passes} passed, ${failures} failed`);
    process.exit(failures ? 1 : 0);
})().catch(e => { console.log('browser: FAIL: ' + e.stack); process.exit(1); });
