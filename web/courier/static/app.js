// The couriers' mobile page: sign in, today's legs, scans (typed, by camera
// where the browser has BarcodeDetector, or by WeChat's scanQRCode inside
// WeChat) and the check at the door.
// Scans, and whole door checks with their photos, wait in a queue in
// IndexedDB while the phone is offline, surviving a closed tab; they are
// sent later with the same scan id, which the server answers only once,
// the photos first. A service worker (sw.js) serves the page offline.
'use strict';
(() => {
  const $ = (s) => document.querySelector(s);
  const TOKENS = 'zv.courier.tokens';
  const QUEUE = 'zv.courier.queue'; // the earlier queue in sessionStorage
  const LEGS = 'zv.courier.legs';
  const kinds = { pickup: '收件', delivery: '送达', return: '退回' };
  const states = {
    ordered: '待揽收', picked_up: '已揽收', in_transit: '运输中', out_for_delivery: '派送中', delivered: '已完成',
    refused: '已拒收', undeliverable: '无法投递', lost: '已遗失', cancelled: '已取消',
  };
  let legs = [];
  let door = null;
  let flushing = false;

  const tokens = () => { try { return JSON.parse(localStorage.getItem(TOKENS)); } catch { return null; } };
  const setTokens = (t) => (t ? localStorage.setItem(TOKENS, JSON.stringify(t)) : localStorage.removeItem(TOKENS));

  // The queue: one IndexedDB store of records { seq, scan, leg_id, photos },
  // in the order queued. photos maps a checklist code to a photo taken
  // offline, { blob } until it is uploaded, then { key }.
  let dbp = null;
  function db() {
    if (!dbp) {
      dbp = new Promise((ok, fail) => {
        const r = indexedDB.open('zv-courier', 1);
        r.onupgradeneeded = () => r.result.createObjectStore('queue', { keyPath: 'seq', autoIncrement: true });
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
    }
    return dbp;
  }
  async function tx(mode, f) {
    const d = await db();
    return new Promise((ok, fail) => {
      const t = d.transaction('queue', mode);
      const out = f(t.objectStore('queue'));
      t.oncomplete = () => ok(out && 'result' in out ? out.result : undefined);
      t.onerror = () => fail(t.error);
      t.onabort = () => fail(t.error);
    });
  }
  const queued = () => tx('readonly', (st) => st.getAll());
  const putQueued = (rec) => tx('readwrite', (st) => st.put(rec));
  const dropQueued = (seq) => tx('readwrite', (st) => st.delete(seq));
  async function countQueue() {
    try { $('#queue-count').textContent = String((await queued()).length); } catch { /* no IndexedDB */ }
  }
  // A queue left in sessionStorage by the earlier page moves to IndexedDB.
  async function moveOldQueue() {
    let old = [];
    try { old = JSON.parse(sessionStorage.getItem(QUEUE)) || []; } catch { old = []; }
    for (const scan of old) await putQueued({ scan, photos: {} });
    sessionStorage.removeItem(QUEUE);
  }
  const say = (text, kind) => { const m = $('#message'); m.textContent = text; m.className = kind || ''; };
  // fieldSay puts a message right after the field it is about (after anchor
  // when given), marks the field invalid and focuses it; the message goes
  // when the field changes.
  const fieldSay = (el, text, anchor) => {
    const id = el.id + '-error';
    let m = document.getElementById(id);
    if (!m) {
      m = document.createElement('span');
      m.id = id; m.className = 'field-error'; m.setAttribute('role', 'alert');
      (anchor || el).insertAdjacentElement('afterend', m);
    }
    m.textContent = text;
    el.setAttribute('aria-invalid', 'true');
    el.setAttribute('aria-describedby', id);
    el.focus();
    const box = anchor || el;
    const clear = () => {
      el.removeAttribute('aria-invalid'); el.removeAttribute('aria-describedby'); m.remove();
      box.removeEventListener('input', clear); box.removeEventListener('change', clear);
    };
    box.addEventListener('input', clear); box.addEventListener('change', clear);
  };
  const OFFLINE = '无法连接服务器：请检查手机网络（可切换 Wi-Fi 或移动数据）后重试';

  function newID() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  }

  // api calls the server; an error with a status is the server's answer,
  // one without is a network failure.
  async function api(method, path, body, retried) {
    const t = tokens();
    const headers = {};
    if (t) headers.Authorization = 'Bearer ' + t.access_token;
    let payload;
    if (body instanceof Blob) {
      payload = body;
      headers['Content-Type'] = body.type;
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['Content-Type'] = 'application/json';
    }
    const res = await fetch(path, { method, headers, body: payload });
    if (res.status === 401 && t && !retried && !path.startsWith('/api/v1/courier/session')) {
      if (await refresh()) return api(method, path, body, true);
    }
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = null; }
    if (!res.ok) {
      const e = new Error((data && data.error && data.error.message) ||
        (res.status >= 500 ? '服务暂时无法处理（' + res.status + '）：请稍后重试，多次失败请联系站点负责人' : '请求未能完成（' + res.status + '）：请核对后重试'));
      e.status = res.status;
      e.code = data && data.error && data.error.code;
      throw e;
    }
    return data;
  }

  // refresh renews the session once however many calls found it expired
  // together: a refresh token is good for one use, and a second use ends
  // every session of the account.
  let refreshing = null;
  function refresh() {
    if (!refreshing) refreshing = renew().finally(() => { refreshing = null; });
    return refreshing;
  }

  async function renew() {
    const t = tokens();
    if (!t || !t.refresh_token) return false;
    try {
      setTokens(await api('POST', '/api/v1/courier/session/refresh', { refresh_token: t.refresh_token }));
      return true;
    } catch (e) {
      if (e.status) { setTokens(null); show(); }
      return false;
    }
  }

  function show() {
    const signedIn = !!tokens();
    $('#login-view').hidden = signedIn;
    $('#work-view').hidden = !signedIn;
    $('#logout').hidden = !signedIn;
    if (signedIn) { if (!legs.length) legs = savedLegs(); renderLegs(); countQueue(); loadLegs(); flush(); }
  }

  $('#login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await api('POST', '/api/v1/courier/session', { phone: $('#login-phone').value.trim(), password: $('#login-password').value });
      setTokens(r.tokens);
      $('#login-password').value = '';
      say('已登录', 'ok');
      show();
    } catch (e) { say(e.status ? e.message : OFFLINE, 'error'); }
  });

  $('#logout').addEventListener('click', async () => {
    const t = tokens();
    try { await api('DELETE', '/api/v1/courier/session', { refresh_token: t && t.refresh_token }); } catch { /* signed out here either way */ }
    setTokens(null);
    // Nothing of the legs stays on a shared phone; the queue stays, to be
    // sent at the next sign-in.
    localStorage.removeItem(LEGS);
    legs = [];
    revealed.clear();
    closeDoor();
    show();
  });

  // loadLegs reads every page of the day's legs, following next_cursor.
  async function loadLegs() {
    try {
      const all = [];
      let cursor = '';
      do {
        const r = await api('GET', '/api/v1/courier/legs?limit=100' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
        all.push(...(r.items || []));
        cursor = r.next_cursor || '';
      } while (cursor);
      legs = all;
      try { localStorage.setItem(LEGS, JSON.stringify(all)); } catch { /* full: the page still works online */ }
      for (const id of revealed.keys()) {
        const l = legs.find((x) => x.id === id);
        if (!l || !l.mine || finished.includes(l.status)) revealed.delete(id);
      }
      renderLegs();
    } catch (e) { say(e.status ? e.message : OFFLINE + '，再点“刷新”', 'error'); }
  }
  // savedLegs are the legs last read, masked as the server gave them, so a
  // door check can be done without signal.
  function savedLegs() { try { return JSON.parse(localStorage.getItem(LEGS)) || []; } catch { return []; } }
  $('#refresh').addEventListener('click', loadLegs);

  function contact(c) { return [c.company, c.name, c.phone, c.address].filter(Boolean).join(' '); }

  // Contacts read in full, by leg id: kept in memory only, never stored.
  const revealed = new Map();

  // contactBlock offers the full contact of a leg the courier holds: the
  // server gives it only to them while the leg is active, and records each
  // reading.
  function contactBlock(l) {
    const box = document.createElement('div');
    box.className = 'contact';
    const c = revealed.get(l.id);
    if (!c) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'reveal link';
      b.textContent = '显示完整地址和电话';
      b.addEventListener('click', async (ev) => {
        ev.stopPropagation();
        try {
          revealed.set(l.id, await api('GET', '/api/v1/courier/legs/' + encodeURIComponent(l.id) + '/contact'));
          renderLegs();
        } catch (e) { say(e.status ? e.message : '网络不可用，无法查看联系方式', 'error'); }
      });
      box.append(b);
      return box;
    }
    const who = document.createElement('div');
    who.textContent = [c.company, c.name].filter(Boolean).join(' ');
    const tel = document.createElement('a');
    tel.href = 'tel:' + c.phone;
    tel.className = 'tel';
    tel.textContent = '拨打 ' + c.phone;
    const addr = document.createElement('div');
    addr.textContent = c.address;
    const map = document.createElement('a');
    map.className = 'map';
    map.href = 'https://uri.amap.com/search?keyword=' + encodeURIComponent(c.address);
    map.target = '_blank';
    map.rel = 'noopener noreferrer';
    map.textContent = '在地图中打开';
    for (const a of [tel, map]) a.addEventListener('click', (ev) => ev.stopPropagation());
    box.append(who, addr, tel, map);
    return box;
  }

  const finished = ['delivered', 'refused', 'undeliverable', 'lost', 'cancelled'];

  // renderLegs lists the pending legs, and apart from them the finished ones.
  function renderLegs() {
    const pending = $('#legs');
    const done = $('#legs-done');
    pending.replaceChildren();
    done.replaceChildren();
    for (const l of legs) {
      const ul = finished.includes(l.status) ? done : pending;
      const li = document.createElement('li');
      li.dataset.waybill = l.waybill;
      const head = document.createElement('div');
      const k = document.createElement('span');
      k.className = 'kind';
      k.textContent = kinds[l.kind] || l.kind;
      head.append(k, l.waybill + ' · ' + (states[l.status] || l.status));
      const meta = document.createElement('div');
      meta.className = 'meta';
      const from = l.kind === 'pickup' ? l.party : l.office;
      const to = l.kind === 'pickup' || l.kind === 'return' ? l.office : l.party;
      const postage = l.payer === 'recipient' ? '到付 ' + (l.postage_fen / 100).toFixed(2) + ' 元' : '邮费已免';
      meta.textContent = [l.case_number + ' ' + (l.item_name || ''), '自：' + contact(l.kind === 'return' ? l.party : from),
        '至：' + contact(to), l.checklist.length ? '原件：' + l.checklist.map((c) => c.name).join('、') : '', postage,
        l.attempts ? '未投递成功 ' + l.attempts + ' 次' : ''].filter(Boolean).join('\n');
      meta.style.whiteSpace = 'pre-line';
      li.append(head, meta);
      if (l.mine && ul === pending) li.append(contactBlock(l));
      li.addEventListener('click', () => {
        $('#scan-waybill').value = l.waybill;
        $('#scan-kind').value = l.kind === 'delivery' && l.status !== 'ordered' ? 'delivery' : l.kind === 'return' ? 'handover' : 'pickup';
      });
      ul.append(li);
    }
    $('#legs-done-card').hidden = !done.children.length;
    $('#legs-empty').hidden = !!pending.children.length;
  }

  $('#scan-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const waybill = $('#scan-waybill').value.trim();
    const kind = $('#scan-kind').value;
    if (kind === 'delivery') { openDoor(waybill); return; }
    enqueue({ client_id: newID(), waybill, kind, at: new Date().toISOString(), note: $('#scan-note').value.trim() || undefined });
  });

  // settled clears the scan form once a scan was accepted or saved to send
  // later; a refused one leaves what was typed, to correct it.
  function settled(scan) {
    if (scan.kind === 'delivery' || $('#scan-waybill').value.trim() !== scan.waybill) return;
    $('#scan-waybill').value = '';
    $('#scan-note').value = '';
  }

  async function openDoor(waybill) {
    let l = legs.find((x) => x.waybill === waybill && x.kind === 'delivery');
    if (!l) { await loadLegs(); l = legs.find((x) => x.waybill === waybill && x.kind === 'delivery'); }
    if (!l) { say('未找到该待送达运单', 'error'); return; }
    door = { leg: l, photos: {}, pending: null };
    $('#door-waybill').textContent = l.waybill + ' · ' + l.case_number;
    $('#id-number').value = '';
    idError('');
    const ol = $('#checklist');
    ol.replaceChildren();
    for (const item of l.checklist) ol.append(checkItem(item));
    $('#door').hidden = false;
    say(l.checklist.length ? '请核验收件人身份并逐项查验原件' : '请核验收件人身份', '');
  }

  // reopenDoor brings back a door check sent from the queue and refused for
  // the ID number: the checks and the uploaded photos stand, only the ID
  // number is to be given again.
  function reopenDoor(scan, e) {
    const l = legs.find((x) => x.waybill === scan.waybill && x.kind === 'delivery');
    if (!l || (door && door.leg.id !== l.id)) return;
    door = { leg: l, photos: {}, pending: null };
    $('#door-waybill').textContent = l.waybill + ' · ' + l.case_number;
    const ol = $('#checklist');
    ol.replaceChildren();
    for (const item of l.checklist) ol.append(checkItem(item));
    for (const c of scan.checks || []) {
      const pick = $('#check-' + c.material + (c.passed ? '-pass' : '-fail'));
      if (!pick) continue;
      pick.checked = true;
      $('#note-' + c.material).value = c.note || '';
      if (c.photo_key) {
        door.photos[c.material] = { key: c.photo_key };
        const st = $('#photo-' + c.material + '-status');
        st.textContent = '已上传';
        st.className = 'uploaded ok';
      }
    }
    $('#id-number').value = '';
    idError(e.message);
    $('#door').hidden = false;
  }

  function checkItem(item) {
    const li = document.createElement('li');
    li.innerHTML = '<div class="name"></div><div class="verdict">' +
      '<label><input type="radio" value="pass"> 通过</label><label><input type="radio" value="fail"> 不通过</label></div>' +
      '<label>说明 <input class="note" maxlength="200"></label><label>原件照片 <input type="file" accept="image/*" capture="environment"></label>' +
      '<div class="uploaded"></div>';
    li.querySelector('.name').textContent = item.name;
    const [pass, fail] = li.querySelectorAll('input[type=radio]');
    pass.name = fail.name = 'verdict-' + item.code;
    pass.id = 'check-' + item.code + '-pass';
    fail.id = 'check-' + item.code + '-fail';
    li.querySelector('.note').id = 'note-' + item.code;
    const file = li.querySelector('input[type=file]');
    file.id = 'photo-' + item.code;
    const status = li.querySelector('.uploaded');
    status.id = 'photo-' + item.code + '-status';
    file.addEventListener('change', async () => {
      if (!file.files.length) return;
      const d = door;
      delete d.photos[item.code];
      status.textContent = '上传中…';
      status.className = 'uploaded';
      let jpeg;
      try {
        jpeg = await shrink(file.files[0]);
      } catch (e) {
        status.textContent = '上传失败：' + (e.message === '照片过大' ? e.message : '无法读取该照片，请重新拍摄');
        status.className = 'uploaded error';
        return;
      }
      try {
        const r = await api('POST', '/api/v1/courier/legs/' + encodeURIComponent(d.leg.id) + '/photos', jpeg);
        d.photos[item.code] = r;
        status.textContent = '已上传 SM3 ' + r.sm3.slice(0, 16) + '…';
        status.className = 'uploaded ok';
      } catch (e) {
        if (e.status) {
          status.textContent = '上传失败：' + e.message;
          status.className = 'uploaded error';
          return;
        }
        // No signal: the photo waits with the check and is sent first.
        d.photos[item.code] = { blob: jpeg };
        status.textContent = '已保存在本机，联网后上传';
        status.className = 'uploaded waiting';
      }
    });
    return li;
  }

  // shrink re-encodes a photo as JPEG, at most 1600 px and under 900 KiB.
  async function shrink(f) {
    const img = await createImageBitmap(f);
    const scale = Math.min(1, 1600 / Math.max(img.width, img.height));
    const c = document.createElement('canvas');
    c.width = Math.max(1, Math.round(img.width * scale));
    c.height = Math.max(1, Math.round(img.height * scale));
    c.getContext('2d').drawImage(img, 0, 0, c.width, c.height);
    for (const q of [0.85, 0.7, 0.5, 0.35]) {
      const b = await new Promise((ok) => c.toBlob(ok, 'image/jpeg', q));
      if (b && b.size <= 900 * 1024) return b;
    }
    throw new Error('照片过大');
  }

  // idError shows a problem with the recipient's ID number next to it.
  function idError(text) {
    const e = $('#id-number-error');
    e.textContent = text;
    e.hidden = !text;
    $('#id-number').setAttribute('aria-invalid', text ? 'true' : 'false');
    if (text) $('#id-number').focus();
  }

  function closeDoor() { door = null; idError(''); $('#door').hidden = true; }

  // The refusals about the recipient's ID number: the rest of the check stands.
  const idRefusals = ['identity_mismatch', 'identity_required', 'invalid_id_number'];

  $('#door-cancel').addEventListener('click', closeDoor);
  $('#door-submit').addEventListener('click', () => {
    if (!door) return;
    const id = $('#id-number').value.trim();
    if (door.pending) return;
    if (!id) { idError('请填写收件人身份证号'); return; }
    idError('');
    const checks = [];
    const waiting = {};
    for (const item of door.leg.checklist) {
      const passed = $('#check-' + item.code + '-pass').checked;
      const failed = $('#check-' + item.code + '-fail').checked;
      const note = $('#note-' + item.code).value.trim();
      const photo = door.photos[item.code];
      const pass = $('#check-' + item.code + '-pass');
      if (!passed && !failed) { fieldSay(pass, '请选择“通过”或“不通过”', pass.closest('.verdict')); return; }
      if (!photo) { fieldSay($('#photo-' + item.code), '请拍摄原件照片'); return; }
      if (failed && !note) { fieldSay($('#note-' + item.code), '请说明不通过的原因'); return; }
      checks.push({ material: item.code, passed, note: note || undefined, photo_key: photo.key || '' });
      if (photo.blob) waiting[item.code] = { blob: photo.blob };
    }
    const scan = { client_id: newID(), waybill: door.leg.waybill, kind: 'delivery', at: new Date().toISOString(), id_number: id, checks };
    door.pending = scan.client_id;
    $('#door-submit').disabled = true;
    say('正在提交核验…', '');
    enqueue(scan, door.leg.id, waiting);
  });

  // doorAnswered ends the wait of the open door check for scan: accepted or
  // saved to send later closes it; a wrong ID number clears only that field;
  // any other refusal keeps the form to correct.
  function doorAnswered(scan, e) {
    if (!door || door.pending !== scan.client_id) return;
    door.pending = null;
    $('#door-submit').disabled = false;
    if (!e) { closeDoor(); return; }
    if (idRefusals.includes(e.code)) {
      $('#id-number').value = '';
      idError(e.message);
      $('#id-number').focus();
    } else if (e.code === 'door_check_done' || e.code === 'door_check_locked') {
      closeDoor();
    }
  }

  // enqueue saves a scan (with the photos of a door check not uploaded yet)
  // before sending it, so a closed tab or a lost signal loses nothing.
  async function enqueue(scan, legID, photos) {
    try {
      await putQueued({ scan, leg_id: legID, photos: photos || {} });
    } catch {
      say('本机无法保存扫描，请检查浏览器存储设置', 'error');
      return;
    }
    countQueue();
    flush();
  }

  // upload sends the photos a queued door check took offline, and names
  // each in its check; the record is saved after each, so none is sent
  // twice (a second upload would store nothing new anyway).
  async function upload(rec) {
    for (const [code, p] of Object.entries(rec.photos || {})) {
      if (p.key) continue;
      const r = await api('POST', '/api/v1/courier/legs/' + encodeURIComponent(rec.leg_id) + '/photos', p.blob);
      rec.photos[code] = { key: r.key };
      for (const c of rec.scan.checks || []) if (c.material === code) c.photo_key = r.key;
      await putQueued(rec);
    }
  }

  async function flush() {
    if (flushing || !tokens()) return;
    flushing = true;
    try {
      for (;;) {
        const q = await queued();
        if (!q.length) break;
        const rec = q[0];
        const scan = rec.scan;
        try {
          await upload(rec);
          report(await api('POST', '/api/v1/courier/scans', scan));
          settled(scan);
          doorAnswered(scan);
        } catch (e) {
          if (!e.status) { say('网络不可用，扫描已保存，恢复后自动重发', 'error'); settled(scan); doorAnswered(scan); break; }
          if (e.status === 401 && !tokens()) break;
          // Busy or down for a moment: keep the scan and try again later.
          // Its client id makes a resend harmless.
          if (e.status === 429 || e.status >= 500) {
            say('服务暂时繁忙，扫描已保存，稍后自动重发', 'error');
            settled(scan);
            doorAnswered(scan);
            setTimeout(flush, 15000);
            break;
          }
          say('扫描未被接受（' + scan.waybill + '）：' + e.message, 'error');
          if (scan.kind === 'delivery' && idRefusals.includes(e.code) && !(door && door.pending === scan.client_id)) reopenDoor(scan, e);
          doorAnswered(scan, e);
        }
        await dropQueued(rec.seq);
        countQueue();
      }
    } catch { /* no IndexedDB: nothing queued */ } finally { flushing = false; }
    countQueue();
    if (navigator.onLine) loadLegs();
  }

  function report(r) {
    let text = '运单 ' + r.waybill + '：' + (states[r.status] || r.status);
    if (r.verification === 'passed') text += '，上门核验通过，已交付';
    if (r.verification === 'failed') text += '，核验不通过，办理结果已收回，请交回部门';
    if (r.replayed) text += '（重复提交，未重复处理）';
    say(text, r.verification === 'failed' ? 'error' : 'ok');
  }

  // Camera scanning where the browser can read barcodes itself.
  if ('BarcodeDetector' in window) {
    $('#scan-camera').hidden = false;
    $('#scan-camera').addEventListener('click', async () => {
      const video = $('#camera');
      let stream;
      try {
        const wanted = ['code_128', 'code_39', 'itf', 'ean_13', 'qr_code'];
        const formats = (await BarcodeDetector.getSupportedFormats()).filter((f) => wanted.includes(f));
        const detector = new BarcodeDetector({ formats });
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
        video.srcObject = stream;
        video.hidden = false;
        await video.play();
        for (let i = 0; i < 200; i++) {
          const codes = await detector.detect(video);
          if (codes.length) { $('#scan-waybill').value = codes[0].rawValue.trim(); break; }
          await new Promise((ok) => setTimeout(ok, 150));
        }
      } catch (e) {
        say('无法使用摄像头，请手动输入运单号', 'error');
      } finally {
        if (stream) stream.getTracks().forEach((t) => t.stop());
        video.hidden = true;
      }
    });
  }

  // Inside WeChat the web view has no BarcodeDetector; its JS-SDK scans
  // instead. The SDK (jweixin) and its signed wx.config are the hosting
  // page's to provide; the button shows only where wx.scanQRCode exists.
  function wechatScan() {
    if (!window.wx || typeof window.wx.scanQRCode !== 'function') return;
    const b = $('#scan-wechat');
    if (!b.hidden) return;
    b.hidden = false;
    b.addEventListener('click', () => {
      window.wx.scanQRCode({
        needResult: 1,
        scanType: ['barCode', 'qrCode'],
        success: (res) => {
          // A barcode comes as "CODE_128,SF0123456789012".
          const text = String((res && res.resultStr) || '');
          $('#scan-waybill').value = text.slice(text.indexOf(',') + 1).trim();
        },
        fail: () => say('微信扫码失败，请手动输入运单号', 'error'),
      });
    });
  }
  wechatScan();
  if (window.wx && typeof window.wx.ready === 'function') window.wx.ready(wechatScan);

  const net = () => { $('#net').textContent = navigator.onLine ? '在线' : '离线'; };
  window.addEventListener('online', () => { net(); flush(); });
  window.addEventListener('offline', net);
  setInterval(flush, 15000);
  net();
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/courier/sw.js', { scope: '/courier/' }).catch(() => {});
  moveOldQueue().catch(() => {}).finally(show);
})();
