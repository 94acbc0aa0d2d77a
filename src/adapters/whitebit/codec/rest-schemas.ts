/**
 * Runtime decoders (zod) for the REST responses in rest-models.ts. Objects are loose: unknown
 * fields pass through, because WhiteBIT adds fields over time (§1). Each schema is typed against
 * its model, so the two cannot drift apart silently.
 *
 * Entry point: {@link decodeJson} (parsed JSON + schema → value or a readable reason).
 */
import { z } from 'zod';
import type {
  WbBalance,
  WbBulkItem,
  WbDeal,
  WbHistoryOrder,
  WbKlineReply,
  WbKillSwitch,
  WbMarket,
  WbOrder,
  WbOrderDeal,
  WbOrderDeals,
  WbOrderbook,
  WbTicker,
  WbTime,
  WbWebsocketToken,
} from './rest-models.js';

/** A decimal string as WhiteBIT sends it; exponents and JS numbers are refused. */
export const decimalString = z.string().regex(/^-?\d+(?:\.\d+)?$/, 'expected a decimal string');
const id = z.number().int().nonnegative();
const level = z.tuple([decimalString, decimalString]).readonly();

export const wbMarketSchema: z.ZodType<WbMarket> = z.looseObject({
  name: z.string(),
  stock: z.string(),
  money: z.string(),
  stockPrec: z.string(),
  moneyPrec: z.string(),
  feePrec: z.string(),
  makerFee: decimalString,
  takerFee: decimalString,
  minAmount: decimalString,
  minTotal: decimalString,
  maxTotal: decimalString,
  tradesEnabled: z.boolean(),
  type: z.string().exactOptional(),
  isCollateral: z.boolean().exactOptional(),
  isTradFiFutures: z.boolean().exactOptional(),
  delistedAt: z.number().nullable().exactOptional(),
});
export const wbMarketsSchema = z.array(wbMarketSchema);

export const wbTickerSchema: z.ZodType<WbTicker> = z.looseObject({
  base_id: z.number(),
  quote_id: z.number(),
  last_price: decimalString,
  quote_volume: decimalString,
  base_volume: decimalString,
  isFrozen: z.boolean(),
  change: decimalString,
});
export const wbTickersSchema = z.record(z.string(), wbTickerSchema);

export const wbOrderbookSchema: z.ZodType<WbOrderbook> = z.looseObject({
  ticker_id: z.string(),
  timestamp: z.number(),
  asks: z.array(level),
  bids: z.array(level),
});

export const wbTimeSchema: z.ZodType<WbTime> = z.looseObject({ time: z.number() });
export const wbPingSchema = z.array(z.string());

/** Extra trailing fields of a kline row are tolerated (the WS row adds the market). */
const klineRow = z.tuple([z.number().int(), decimalString, decimalString, decimalString, decimalString, decimalString, decimalString]).rest(z.unknown());
export const wbKlineReplySchema: z.ZodType<WbKlineReply> = z.looseObject({
  success: z.boolean(),
  message: z.unknown(),
  result: z.array(klineRow.transform((r) => [r[0], r[1], r[2], r[3], r[4], r[5], r[6]] as const)).nullable(),
});

export const wbBalanceSchema: z.ZodType<WbBalance> = z.looseObject({
  available: decimalString,
  freeze: decimalString,
});
export const wbBalancesSchema = z.record(z.string(), wbBalanceSchema);

export const wbOrderSchema: z.ZodType<WbOrder> = z.looseObject({
  orderId: id,
  clientOrderId: z.string(),
  market: z.string(),
  side: z.string(),
  type: z.string(),
  timestamp: z.number(),
  dealMoney: decimalString,
  dealStock: decimalString,
  amount: decimalString,
  left: decimalString,
  dealFee: decimalString,
  price: decimalString,
  postOnly: z.boolean().exactOptional(),
  ioc: z.boolean().exactOptional(),
  status: z.string().exactOptional(),
  stp: z.string().exactOptional(),
  rpi: z.boolean().exactOptional(),
  feeAsset: z.string().exactOptional(),
  takerFee: decimalString.exactOptional(),
  makerFee: decimalString.exactOptional(),
});
export const wbOrdersSchema = z.array(wbOrderSchema);

export const wbBulkItemSchema: z.ZodType<WbBulkItem> = z
  .looseObject({
    result: wbOrderSchema.nullable(),
    error: z.record(z.string(), z.unknown()).nullable(),
  })
  .refine((v) => (v.result === null) !== (v.error === null), 'exactly one of result/error must be set');
export const wbBulkSchema = z.array(wbBulkItemSchema);

export const wbDealSchema: z.ZodType<WbDeal> = z.looseObject({
  id,
  clientOrderId: z.string(),
  time: z.number(),
  side: z.string(),
  role: z.number(),
  amount: decimalString,
  price: decimalString,
  deal: decimalString,
  fee: decimalString,
  orderId: id,
  feeAsset: z.string().exactOptional(),
});
export const wbDealsSchema = z.array(wbDealSchema);
export const wbDealsByMarketSchema = z.record(z.string(), wbDealsSchema);

export const wbOrderDealSchema: z.ZodType<WbOrderDeal> = z.looseObject({
  id,
  time: z.number(),
  fee: decimalString,
  price: decimalString,
  amount: decimalString,
  deal: decimalString,
  role: z.number(),
  dealOrderId: id,
  clientOrderId: z.string().exactOptional(),
  feeAsset: z.string().exactOptional(),
  rpi: z.boolean().exactOptional(),
});
export const wbOrderDealsSchema: z.ZodType<WbOrderDeals> = z.looseObject({
  records: z.array(wbOrderDealSchema),
  offset: z.number(),
  limit: z.number(),
});

export const wbHistoryOrderSchema: z.ZodType<WbHistoryOrder> = z.looseObject({
  id,
  clientOrderId: z.string(),
  side: z.string(),
  type: z.string(),
  amount: decimalString,
  price: decimalString,
  ctime: z.number(),
  ftime: z.number(),
  dealStock: decimalString,
  dealMoney: decimalString,
  dealFee: decimalString,
  feeAsset: z.string().exactOptional(),
  postOnly: z.boolean().exactOptional(),
  ioc: z.boolean().exactOptional(),
  status: z.string().exactOptional(),
});
export const wbOrderHistorySchema = z.record(z.string(), z.array(wbHistoryOrderSchema));

export const wbKillSwitchSchema: z.ZodType<WbKillSwitch> = z.looseObject({
  market: z.string(),
  startTime: z.number(),
  cancellationTime: z.number(),
  types: z.array(z.string()).nullable(),
});
export const wbKillSwitchStatusSchema = z.array(wbKillSwitchSchema);

/** An empty JSON array: cancel/all and kill-switch disarm answer `[]`. */
export const wbEmptyArraySchema = z.array(z.unknown()).max(0);

export const wbWebsocketTokenSchema: z.ZodType<WbWebsocketToken> = z.looseObject({
  websocket_token: z.string().min(1),
});

export type DecodeResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** Returns the decoded value, or a short reason naming the first failing paths. Never throws. */
export function decodeJson<T>(schema: z.ZodType<T>, value: unknown): DecodeResult<T> {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  const reason = r.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
  return { ok: false, reason };
}

/**
 * Returns milliseconds for a /public/time value: the docs say seconds, a ccxt comment shows
 * milliseconds, so values above 1e12 are read as milliseconds. @see whitebit-protocol.md §1
 */
export function serverTimeMs(t: WbTime): number {
  return t.time > 1e12 ? t.time : t.time * 1000;
}
