export { createMailer, type Mailer, type MailMessage, type MailSettings } from './create-mailer';
export { createDeliveryLog, type DeliveryLog } from './delivery-log';
