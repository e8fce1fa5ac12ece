import type { FastifyReply } from "fastify";
import { type TSchema, Type } from "typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { ApiError, detail } from "../errors";
import { requireSession } from "../http/auth";
import { sendSerialized } from "../http/envelope";
import type { CartLine } from "../shop/store";
import { CartEnvelope, cartAnswer } from "./cart-answer";
import { GoodsId, Token, TokenQuery } from "./schemas";
import { skuKeyOf } from "./sku";

const MAX_LINES_PER_REQUEST = 200;

const Quantity = Type.Integer({ minimum: 1, maximum: 1_000_000, description: "A positive whole number, at most the stock" });
const LineKeys = Type.String({ minLength: 1, maxLength: 4096, description: "A line's key, or several separated by commas" });

/** "3,5, 8" -> [3, 5, 8]; a key is a line id. */
function lineIdsOf(keys: string): number[] {
  const ids = keys.split(",").map((key) => key.trim());
  if (ids.length > MAX_LINES_PER_REQUEST) throw new ApiError("badInput", detail(`一次最多 ${MAX_LINES_PER_REQUEST} 个 key`, `at most ${MAX_LINES_PER_REQUEST} keys at once`));
  return ids.map((key) => {
    if (!/^\d{1,10}$/.test(key) || Number(key) < 1 || Number(key) >= 2 ** 31) throw new ApiError("badInput", detail(`key "${key.slice(0, 20)}" 不是购物车条目`, `key "${key.slice(0, 20)}" is not a cart line key`));
    return Number(key);
  });
}

const onlyLeft = (stock: number) => detail(`仅剩 ${stock} 件`, `only ${stock} left`);
const notInCart = detail("有 key 不在购物车中", "a key is not in this cart");

function checkStock(number: number, stock: number) {
  if (number > stock) throw new ApiError("outOfStock", onlyLeft(stock));
}

/** The cart behind the token: /shopping-cart/*. Every change answers the cart as it is now. */
export const cartRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, clock } = app;
  const schema = <Body extends TSchema>(summary: string, body: Body) => ({ tags: ["cart"], summary, body, response: { 200: CartEnvelope } });

  /**
   * Carts are read far more often than they change, and the shop cache hands
   * out the same frozen lines until a cart changes: the cart page's answer is
   * made once per version of a cart, and its bytes reused. Only reads keep
   * their bytes, so the memory it takes follows the carts people view.
   */
  const viewed = new WeakMap<readonly CartLine[], Buffer>();
  function viewedCart(reply: FastifyReply, lines: readonly CartLine[]) {
    let answer = viewed.get(lines);
    if (!answer) {
      answer = cartAnswer(lines);
      if (Object.isFrozen(lines)) viewed.set(lines, answer);
    }
    return sendSerialized(reply, answer);
  }

  /** A change's answer: the cart as it is now. */
  async function currentCart(reply: FastifyReply, userId: number) {
    return sendSerialized(reply, cartAnswer(await storage.cartLines(userId)));
  }

  async function lineOf(userId: number, key: number): Promise<CartLine> {
    const line = (await storage.cartLines(userId)).find((l) => l.id === key);
    if (!line) throw new ApiError("notFound", detail(`购物车条目 ${key}`, `cart line ${key}`));
    return line;
  }

  app.get(
    "/shopping-cart/info",
    {
      schema: { tags: ["cart"], summary: "The cart (700 when empty)", querystring: TokenQuery, response: { 200: CartEnvelope } },
      preHandler: requireSession,
    },
    async (request, reply) => {
      const lines = await storage.cartLines(request.session.userId);
      if (lines.length === 0) throw new ApiError("noData");
      return viewedCart(reply, lines);
    },
  );

  app.post(
    "/shopping-cart/add",
    {
      schema: schema(
        "Add goods: the same goods and sku increase one line, another sku is another line",
        Type.Object({
          token: Type.Optional(Token),
          goodsId: GoodsId,
          number: Quantity,
          sku: Type.Optional(Type.String({ maxLength: 4096, description: 'JSON: [{"optionId":1,"optionValueId":2}]' })),
        }),
      ),
      preHandler: requireSession,
    },
    async (request, reply) => {
      const { goodsId, number, sku } = request.body;
      const goods = await storage.findGoods(request.tenant.id, goodsId);
      // Lines already in carts stay; off-shelf goods take no new ones.
      if (!goods?.onShelf) throw new ApiError("notFound", detail(`商品 ${goodsId}`, `goods ${goodsId}`));
      const skuKey = skuKeyOf(sku, goods.options);
      checkStock(number, goods.stock);
      const { userId } = request.session;
      const added = await storage.addToCart(request.tenant.id, userId, { goodsId, skuKey, number, max: goods.stock }, clock());
      if (!added) throw new ApiError("outOfStock", onlyLeft(goods.stock));
      return currentCart(reply, userId);
    },
  );

  app.post(
    "/shopping-cart/modifyNumber",
    {
      schema: schema("Set a line's number", Type.Object({ token: Type.Optional(Token), key: LineKeys, number: Quantity })),
      preHandler: requireSession,
    },
    async (request, reply) => {
      const { userId } = request.session;
      const [key, ...more] = lineIdsOf(request.body.key);
      if (more.length) throw new ApiError("badInput", detail("modifyNumber 只接受一个 key", "modifyNumber takes one key"));
      checkStock(request.body.number, (await lineOf(userId, key)).goods.stock);
      await storage.setCartNumber(userId, key, request.body.number, clock());
      return currentCart(reply, userId);
    },
  );

  app.post(
    "/shopping-cart/select",
    {
      schema: schema(
        "Select or unselect lines for checkout",
        Type.Object({ token: Type.Optional(Token), key: LineKeys, selected: Type.Boolean() }),
      ),
      preHandler: requireSession,
    },
    async (request, reply) => {
      const { userId } = request.session;
      if (!(await storage.selectCartLines(userId, lineIdsOf(request.body.key), request.body.selected, clock()))) {
        throw new ApiError("notFound", notInCart);
      }
      return currentCart(reply, userId);
    },
  );

  app.post(
    "/shopping-cart/remove",
    {
      schema: schema("Remove lines (all of them or none)", Type.Object({ token: Type.Optional(Token), key: LineKeys })),
      preHandler: requireSession,
    },
    async (request, reply) => {
      const { userId } = request.session;
      if (!(await storage.removeCartLines(userId, lineIdsOf(request.body.key)))) throw new ApiError("notFound", notInCart);
      return currentCart(reply, userId);
    },
  );

  app.post(
    "/shopping-cart/empty",
    { schema: schema("Remove every line", Type.Object({ token: Type.Optional(Token) })), preHandler: requireSession },
    async (request, reply) => {
      await storage.emptyCart(request.session.userId);
      return currentCart(reply, request.session.userId);
    },
  );
};
