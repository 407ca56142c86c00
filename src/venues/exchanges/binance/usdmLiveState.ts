// The account as the streams update it between REST syncs: ACCOUNT_UPDATE changes balances and
// positions, markPriceUpdate changes marks. Pure state; the session decides when to resync.
import Decimal from 'decimal.js';
import type { AccountSnapshot, MarkTick } from '../../../domain/contracts';
import { decimalField, millisField, stringField } from '../shared/decimals';
import type { BinanceUsdmRaw } from './usdmSnapshot';
import { USDM, type BinanceProduct } from './product';

type Row = Record<string, unknown>;

export interface StreamOutcome {
  /** The snapshot changed and should be emitted. */
  changed: boolean;
  /** Something arrived we cannot fold in exactly (new symbol, non-USDT collateral): resync by REST. */
  needsResync: boolean;
}

export class UsdmLiveState {
  private readonly streamChanged = new Map<string, 'position' | 'mark'>();

  constructor(
    private raw: BinanceUsdmRaw,
    private readonly product: BinanceProduct = USDM,
  ) {}

  /** A fresh REST read replaces everything the streams had patched. */
  replace(raw: BinanceUsdmRaw): void {
    this.raw = raw;
    this.streamChanged.clear();
  }

  get symbols(): string[] {
    return [...new Set(this.raw.positionRisk.map((r) => String(r.symbol)))];
  }

  get asOfMs(): number {
    return this.raw.asOfMs;
  }

  snapshot(): AccountSnapshot {
    return this.product.build({ ...this.raw, streamChanged: this.streamChanged });
  }

  /** ACCOUNT_UPDATE: https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Balance-and-Position-Update */
  applyAccountUpdate(event: Row): StreamOutcome {
    const eventTime = millisField(event.E, 'ACCOUNT_UPDATE.E');
    const data = (event.a ?? {}) as Row;
    let needsResync = false;
    const assets = (this.raw.account.assets ?? []) as Row[];
    for (const [i, b] of ((data.B ?? []) as Row[]).entries()) {
      const asset = stringField(b.a, `ACCOUNT_UPDATE.a.B[${i}].a`);
      const cw = decimalField(b.cw, `ACCOUNT_UPDATE.a.B[${i}].cw`);
      const wb = decimalField(b.wb, `ACCOUNT_UPDATE.a.B[${i}].wb`);
      const row = assets.find((a) => a.asset === asset);
      const settle = this.product.adjustsTotal ? 'USDT' : (this.raw.settleAsset ?? 'BTC');
      if (asset !== settle || !row) {
        // USDⓈ-M: other assets count at their USD value with Multi-Assets haircuts: only REST has
        // those. COIN-M: another coin belongs to another account view.
        if (this.product.adjustsTotal) needsResync = true;
        continue;
      }
      if (this.product.adjustsTotal) {
        const delta = new Decimal(cw).minus(decimalField(row.crossWalletBalance, `account.assets[${asset}].crossWalletBalance`));
        this.raw.account.totalCrossWalletBalance = new Decimal(decimalField(this.raw.account.totalCrossWalletBalance, 'account.totalCrossWalletBalance'))
          .plus(delta)
          .toFixed();
      }
      row.crossWalletBalance = cw;
      row.walletBalance = wb;
    }
    const accountRows = (this.raw.account.positions ?? []) as Row[];
    for (const [i, p] of ((data.P ?? []) as Row[]).entries()) {
      const at = `ACCOUNT_UPDATE.a.P[${i}]`;
      const symbol = stringField(p.s, `${at}.s`);
      const side = stringField(p.ps, `${at}.ps`);
      const accountRow = accountRows.find((r) => r.symbol === symbol && r.positionSide === side);
      if (!accountRow || !this.raw.brackets.has(symbol)) {
        needsResync = true; // new symbol: leverage, brackets and filters come from REST
        continue;
      }
      let row = this.raw.positionRisk.find((r) => r.symbol === symbol && r.positionSide === side);
      if (!row) {
        row = { symbol, positionSide: side, liquidationPrice: '0', maintMargin: '0', initialMargin: '0', isolatedWallet: '0', markPrice: '0' };
        this.raw.positionRisk.push(row);
        needsResync = true;
      }
      row.positionAmt = decimalField(p.pa, `${at}.pa`);
      row.entryPrice = decimalField(p.ep, `${at}.ep`);
      row.unRealizedProfit = decimalField(p.up, `${at}.up`);
      row.isolatedWallet = decimalField(p.iw, `${at}.iw`);
      accountRow.isolated = p.mt === 'isolated';
      this.streamChanged.set(`${symbol}:${side}`, 'position');
    }
    this.raw.positionRisk = this.raw.positionRisk.filter((r) => !new Decimal(String(r.positionAmt)).isZero());
    this.raw.asOfMs = Math.max(this.raw.asOfMs, eventTime);
    // A row we created without a mark price cannot form a snapshot until REST fills it.
    return { changed: !needsResync || this.raw.positionRisk.every((r) => r.markPrice !== '0'), needsResync };
  }

  /** markPriceUpdate: https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Mark-Price-Stream */
  applyMark(event: Row): { tick: MarkTick; changed: boolean } {
    const symbol = stringField(event.s, 'markPriceUpdate.s');
    const price = decimalField(event.p, 'markPriceUpdate.p');
    const time = millisField(event.E, 'markPriceUpdate.E');
    let changed = false;
    for (const row of this.raw.positionRisk) {
      if (row.symbol !== symbol || row.markPrice === price) continue;
      row.markPrice = price;
      const key = `${symbol}:${String(row.positionSide)}`;
      if (this.streamChanged.get(key) !== 'position') this.streamChanged.set(key, 'mark');
      changed = true;
    }
    const premium = this.raw.premium.get(symbol);
    if (premium) {
      if (event.r !== undefined) premium.lastFundingRate = decimalField(event.r, 'markPriceUpdate.r');
      if (event.T !== undefined) premium.nextFundingTime = millisField(event.T, 'markPriceUpdate.T');
    }
    this.raw.asOfMs = Math.max(this.raw.asOfMs, time);
    return { tick: { symbol, price, time }, changed };
  }
}
