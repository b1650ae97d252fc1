import {Component, onWillStart, useState} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {Dialog} from "@web/core/dialog/dialog";
import {useService} from "@web/core/utils/hooks";
import {usePos} from "@point_of_sale/app/store/pos_hook";

const MODEL = "clinic.loyalty.otp.challenge";

export class LoyaltyOtpPopup extends Component {
  static template = "clinic_loyalty_pos.LoyaltyOtpPopup";
  static components = {Dialog};
  static props = {
    partner: Object,
    amountDue: Number,
    orderUid: String,
    getPayload: Function,
    close: Function,
  };

  setup() {
    this.pos = usePos();
    this.orm = useService("orm");
    this.state = useState({
      step: "loading",
      info: {},
      rewardId: false,
      challenge: false,
      code: "",
      message: "",
      error: false,
      busy: false,
    });
    onWillStart(() => this.loadInfo());
  }

  async loadInfo() {
    await this.run(async () => {
      this.state.info = await this.orm.call(MODEL, "otp_pos_info", [this.props.partner.id]);
      // the freshest balance, for the order screen and the receipt
      this.props.partner.loyalty_pos_balance = this.state.info.balance || 0;
      const rewards = this.affordableRewards;
      this.state.rewardId = rewards.length ? rewards[0].id : false;
      this.state.step = "choose";
    });
  }

  get affordableRewards() {
    const balance = this.state.info.balance || 0;
    return this.pos.models["clinic.loyalty.reward"]
      .getAll()
      .filter((reward) => reward.points_cost <= balance)
      .sort((a, b) => a.points_cost - b.points_cost);
  }

  cappedValue(reward) {
    return Math.min(reward.value, this.props.amountDue);
  }

  formatValue(amount) {
    return this.env.utils.formatCurrency(amount);
  }

  async run(fn) {
    this.state.busy = true;
    this.state.error = false;
    try {
      await fn();
    } catch (error) {
      this.state.error = true;
      this.state.message = error?.data?.message || error?.message || _t("Something went wrong.");
      if (this.state.step === "loading") {
        this.state.step = "choose";
      }
    } finally {
      this.state.busy = false;
    }
  }

  setChallenge(data) {
    this.state.challenge = data;
    this.state.message = data.message;
    this.state.error = !["pending", "sent", "verified"].includes(data.state);
  }

  async sendCode() {
    await this.run(async () => {
      const data = await this.orm.call(MODEL, "otp_request", [this.props.partner.id, this.state.rewardId], {
        amount_due: this.props.amountDue,
        pos_order_uid: this.props.orderUid,
        pos_config_id: this.pos.config.id,
      });
      this.state.step = "code";
      this.state.code = "";
      await this.readOutcome(data.id);
    });
  }

  /** The SMS leaves once the request is committed: read its outcome. */
  async readOutcome(challengeId) {
    let data = await this.orm.call(MODEL, "otp_status", [challengeId]);
    for (let tries = 0; data.state === "pending" && tries < 5; tries++) {
      this.setChallenge(data);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      data = await this.orm.call(MODEL, "otp_status", [challengeId]);
    }
    this.setChallenge(data);
  }

  async resend() {
    await this.run(async () => {
      const data = await this.orm.call(MODEL, "otp_resend", [this.state.challenge.id]);
      this.state.code = "";
      await this.readOutcome(data.id);
    });
  }

  async verify() {
    await this.run(async () => {
      const data = await this.orm.call(MODEL, "otp_verify", [this.state.challenge.id, this.state.code]);
      this.state.code = "";
      this.setChallenge(data);
      this.state.error = data.state !== "verified";
      if (data.state === "verified") {
        this.props.getPayload({
          verified: true,
          challengeId: data.id,
          value: data.value,
          points: data.points,
        });
        this.props.close();
      }
    });
  }

  async cannotReceive() {
    if (this.state.challenge) {
      await this.run(() => this.orm.call(MODEL, "otp_cancel", [this.state.challenge.id]));
    }
    this.props.getPayload({verified: false});
    this.props.close();
  }

  onCodeKeydown(ev) {
    if (ev.key === "Enter" && this.canVerify) {
      this.verify();
    }
  }

  get canVerify() {
    return this.state.challenge?.state === "sent" && /^\d{6}$/.test(this.state.code.trim());
  }

  get needsNewCode() {
    return ["expired", "dead", "cancelled"].includes(this.state.challenge?.state);
  }
}
