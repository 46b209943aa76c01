import './base.css';
import './dialog.css';
import './main-area.css';
import './panel-lists.css';
import './table.css';
